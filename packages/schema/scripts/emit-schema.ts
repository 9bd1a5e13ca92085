// Writes topology.schema.json (for editors and ajv users) from the TypeBox definition.
// A test fails when the committed file differs, so the two never drift.
import { writeFileSync } from 'node:fs';
import { topologyJsonSchema } from '../src/topology.ts';

const target = new URL('../topology.schema.json', import.meta.url);
writeFileSync(target, `${JSON.stringify(topologyJsonSchema(), null, 2)}\n`);
console.log(`wrote ${target.pathname}`);
