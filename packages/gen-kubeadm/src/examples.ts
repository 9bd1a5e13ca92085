// The example environments as Models, for tests: loaded and checked like the CLI does, and
// optionally changed before resolve to reach cases the examples do not cover.
import { fileURLToPath } from 'node:url';
import { loadTopologyFile, type Model, resolve, type Topology } from '@geostage/schema';

export const EXAMPLES = ['keio-2019', 'global-hub'] as const;
export type Example = (typeof EXAMPLES)[number];

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export async function exampleModel(name: Example, change?: (topology: Topology) => void): Promise<Model> {
  const source = `environments/${name}/topology.yaml`;
  const { topology, diagnostics } = await loadTopologyFile(`${ROOT}${source}`);
  if (!topology) throw new Error(`${source}: ${diagnostics.map((d) => d.message).join('; ')}`);
  change?.(topology);
  return resolve(topology, source);
}
