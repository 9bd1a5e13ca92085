// The generators the CLI runs, each writing its own folder under environments/<env>/generated/.
import { join } from 'node:path';
import { generateCluster } from '@geostage/gen-kubeadm';
import { generateNetwork, readPublicMaterial } from '@geostage/gen-vyos';
import type { FileSet, Model } from '@geostage/schema';

export interface Generator {
  /** The folder below generated/ and the value of --only. */
  name: 'network' | 'cluster';
  generate(model: Model, environmentFolder: string): Promise<{ files: FileSet; warnings: string[] }>;
}

export const GENERATORS: readonly Generator[] = [
  {
    name: 'network',
    async generate(model, environmentFolder) {
      return generateNetwork(model, await readPublicMaterial(environmentFolder));
    },
  },
  {
    name: 'cluster',
    async generate(model) {
      return generateCluster(model);
    },
  },
];

export function outputFolder(root: string, environmentFolder: string, generator: Generator): string {
  return join(root, environmentFolder, 'generated', generator.name);
}
