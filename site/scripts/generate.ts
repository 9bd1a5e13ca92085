// Generates an environment's network and cluster folders in place, the way `geostage generate`
// does, for the browser test and the benchmark when they build the site against a copy of
// environments/ (GEOSTAGE_ENVIRONMENTS_DIR) rather than the repository's own.
import { join } from 'node:path';
import { generateCluster } from '@geostage/gen-kubeadm';
import { generateNetwork, readPublicMaterial } from '@geostage/gen-vyos';
import { formatDiagnostic, loadTopologyFile, resolve } from '@geostage/schema';
import { writeFileSet } from '@geostage/schema/writer';

/** Writes <folder>/generated/{network,cluster}; returns the number of files written. */
export async function generateEnvironment(folder: string, name: string): Promise<number> {
  const source = `environments/${name}/topology.yaml`;
  const { topology, diagnostics } = await loadTopologyFile(join(folder, 'topology.yaml'));
  if (!topology) throw new Error(diagnostics.map((d) => formatDiagnostic({ ...d, file: source })).join('\n'));
  const model = resolve(topology, source);
  const network = generateNetwork(model, await readPublicMaterial(folder)).files;
  const cluster = generateCluster(model).files;
  await writeFileSet(join(folder, 'generated', 'network'), network, source);
  await writeFileSet(join(folder, 'generated', 'cluster'), cluster, source);
  return network.length + cluster.length;
}
