import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { expect, it } from 'vitest';
import { topologyJsonSchema } from './topology.ts';

it('the published topology.schema.json matches the TypeBox definition (run schema:emit to update)', () => {
  const committed = JSON.parse(readFileSync(new URL('../topology.schema.json', import.meta.url), 'utf8'));
  expect(committed).toEqual(topologyJsonSchema());
});

it('the topology schema is a valid JSON Schema 2020-12 (the loader skips this check at run time)', () => {
  const ajv = new Ajv2020({ strict: false });
  expect(ajv.validateSchema(topologyJsonSchema())).toBe(true);
  expect(ajv.errors ?? null).toBeNull();
});
