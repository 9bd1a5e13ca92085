// Where environments live: the repository root is the nearest folder up with nx.json, and an
// environment named <env> is environments/<env>/topology.yaml below it.
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

export function findRepositoryRoot(start: string): string | null {
  let folder = start;
  for (;;) {
    if (existsSync(join(folder, 'nx.json'))) return folder;
    const parent = dirname(folder);
    if (parent === folder) return null;
    folder = parent;
  }
}

export function environmentTopology(root: string, name: string): string {
  return join(root, 'environments', name, 'topology.yaml');
}

/** Names of every environment with a topology file, sorted. */
export function listEnvironments(root: string): string[] {
  const folder = join(root, 'environments');
  if (!existsSync(folder)) return [];
  return readdirSync(folder, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(environmentTopology(root, entry.name)))
    .map((entry) => entry.name)
    .sort();
}
