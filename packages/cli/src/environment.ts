// Loading an environment for the commands that need its Model: topology -> diagnostics or Model.
import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { type Diagnostic, hasErrors, loadTopology, type Model, resolve } from '@geostage/schema';
import { UsageError } from './command.ts';
import { environmentTopology, findRepositoryRoot, listEnvironments } from './repository.ts';

export interface LoadedEnvironment {
  name: string;
  /** environments/<env>, absolute. */
  folder: string;
  /** The topology path relative to the repository root, as generated headers name it. */
  source: string;
  diagnostics: Diagnostic[];
  model: Model | null;
}

export function repositoryRoot(cwd: string): string {
  const root = findRepositoryRoot(cwd);
  if (!root) throw new UsageError('not inside a geostage repository (no nx.json above this folder)');
  return root;
}

/** The environments named, or every environment when none is named; unknown names are usage errors. */
export function selectEnvironments(root: string, names: readonly string[]): string[] {
  const known = listEnvironments(root);
  if (names.length === 0) return known;
  for (const name of names) {
    if (!known.includes(name)) {
      throw new UsageError(`no environment named "${name}" (environments: ${known.join(', ') || 'none'})`);
    }
  }
  return [...names];
}

export async function loadEnvironment(root: string, name: string): Promise<LoadedEnvironment> {
  const path = environmentTopology(root, name);
  const source = relative(root, path);
  const { topology, diagnostics } = loadTopology(await readFile(path, 'utf8'), source);
  const model = topology && !hasErrors(diagnostics) ? resolve(topology, source) : null;
  return { name, folder: relative(root, path).replace(/\/topology\.yaml$/, ''), source, diagnostics, model };
}
