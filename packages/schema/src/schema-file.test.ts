import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { topologyJsonSchema } from './topology.ts';

it('the published topology.schema.json matches the TypeBox definition (run schema:emit to update)', () => {
  const committed = JSON.parse(readFileSync(new URL('../topology.schema.json', import.meta.url), 'utf8'));
  expect(committed).toEqual(topologyJsonSchema());
});
