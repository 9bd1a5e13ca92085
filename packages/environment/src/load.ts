// Loading an environment of the repository: its topology -> diagnostics or Model, and choosing
// environments by name. Mistakes come back as values; the CLI turns them into usage errors.
import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { type Diagnostic, hasErrors, loadTopology, type Model, resolve } from '@geostage/schema';
import { type EnvironmentPaths, listEnvironments, repositoryEnvironment } from './paths.ts';

export interface LoadedEnvironment {
  name: string;
  /** environments/<env>, relative to the repository root. */
  folder: string;
  /** Every path of the environment, absolute. */
  paths: EnvironmentPaths;
  /** The topology path relative to the repository root, as generated headers name it. */
  source: string;
  diagnostics: Diagnostic[];
  model: Model | null;
}

export type EnvironmentError = { kind: 'unknown-environment'; name: string; known: string[] };

export type Selection = { ok: true; names: string[] } | ({ ok: false } & EnvironmentError);

/** The message every command prints for an environment error. */
export function describeEnvironmentError(error: EnvironmentError): string {
  return `no environment named "${error.name}" (environments: ${error.known.join(', ') || 'none'})`;
}

/** The environments named, or every environment when none is named; an unknown name is an error. */
export function selectEnvironments(root: string, names: readonly string[]): Selection {
  const known = listEnvironments(root);
  if (names.length === 0) return { ok: true, names: known };
  for (const name of names) {
    if (!known.includes(name)) return { ok: false, kind: 'unknown-environment', name, known };
  }
  return { ok: true, names: [...names] };
}

/**
 * Reads and resolves an environment's topology; the Model is null when it has errors.
 * `source` is how diagnostics and generated headers name the file (environments/<env>/topology.yaml).
 */
export async function loadTopologyOf(
  paths: EnvironmentPaths,
  source: string,
): Promise<{ diagnostics: Diagnostic[]; model: Model | null }> {
  const { topology, diagnostics } = loadTopology(await readFile(paths.topology, 'utf8'), source);
  const model = topology && !hasErrors(diagnostics) ? resolve(topology, source) : null;
  return { diagnostics, model };
}

/** The environment `name` of the repository at `root`, loaded. */
export async function loadEnvironment(root: string, name: string): Promise<LoadedEnvironment> {
  const paths = repositoryEnvironment(root, name);
  const source = relative(root, paths.topology);
  const { diagnostics, model } = await loadTopologyOf(paths, source);
  return { name, folder: relative(root, paths.folder), paths, source, diagnostics, model };
}
