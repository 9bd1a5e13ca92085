// The generators and the one pipeline that runs them: Model (+ the environment's public
// material) -> one FileSet per folder below generated/. `geostage generate` and `check`, `plan`
// and the site's scripts all generate through here.
import { clusterFiles } from '@geostage/gen-kubeadm';
import { networkFiles } from '@geostage/gen-vyos';
import {
  collectFiles,
  type Diagnostic,
  type FileSet,
  type FileStream,
  formatDiagnostic,
  type Model,
} from '@geostage/schema';
import { readPublicMaterial } from '@geostage/secrets';
import { loadTopologyOf } from './load.ts';
import {
  type EnvironmentPaths,
  environmentPaths,
  type GeneratedKind,
  repositoryEnvironment,
} from './paths.ts';
import { writeFileSet } from './writer.ts';

export interface Generator {
  /** The folder below generated/ and the value of --only. */
  name: GeneratedKind;
  /** The files one at a time; the writer consumes them without holding them all. */
  stream(model: Model, paths: EnvironmentPaths): Promise<FileStream>;
}

export const GENERATORS: readonly Generator[] = [
  {
    name: 'network',
    async stream(model, paths) {
      return networkFiles(model, await readPublicMaterial(paths.public));
    },
  },
  {
    name: 'cluster',
    async stream(model) {
      return clusterFiles(model);
    },
  },
];

export type GeneratorSelection =
  | { ok: true; generators: readonly Generator[] }
  | { ok: false; kind: 'unknown-generator'; only: string; known: GeneratedKind[] };

/** Every generator, or the one `only` names. */
export function selectGenerators(only: string | undefined): GeneratorSelection {
  if (only === undefined) return { ok: true, generators: GENERATORS };
  const generators = GENERATORS.filter((generator) => generator.name === only);
  if (generators.length > 0) return { ok: true, generators };
  return { ok: false, kind: 'unknown-generator', only, known: GENERATORS.map((generator) => generator.name) };
}

export interface GeneratedOutput {
  generator: GeneratedKind;
  /** Where the files belong: generated/<kind> of the environment. */
  folder: string;
  files: FileSet;
  warnings: string[];
}

/** Runs the generators for an environment's Model, every file in memory, sorted; writes nothing. */
export async function generateEnvironment(
  paths: EnvironmentPaths,
  model: Model,
  generators: readonly Generator[] = GENERATORS,
): Promise<GeneratedOutput[]> {
  const outputs: GeneratedOutput[] = [];
  for (const generator of generators) {
    const { files, warnings } = collectFiles(await generator.stream(model, paths));
    outputs.push({ generator: generator.name, folder: paths.generated[generator.name], files, warnings });
  }
  return outputs;
}

export type RegenerateResult = { ok: true; files: number } | { ok: false; diagnostics: Diagnostic[] };

/**
 * Loads the environment in `folder`, generates and writes every generated/ folder in place, as
 * `geostage generate` does; for the site's browser test and benchmark, which build the site
 * against a copy of environments/. `source` names the topology in headers and diagnostics.
 */
export async function regenerateFolder(folder: string, source: string): Promise<RegenerateResult> {
  const paths = environmentPaths(folder);
  const { diagnostics, model } = await loadTopologyOf(paths, source);
  if (!model) return { ok: false, diagnostics };
  let count = 0;
  for (const generator of GENERATORS) {
    const stream = await generator.stream(model, paths);
    count += (await writeFileSet(paths.generated[generator.name], stream.files, source)).files;
  }
  return { ok: true, files: count };
}

/**
 * An environment folder outside the repository (a test's or a benchmark's copy), generated in
 * place as `geostage generate` would; the number of files written. Throws with the formatted
 * diagnostics when the topology is invalid: for scripts and tests, which have no CLI to print.
 */
export async function generateInPlace(folder: string, name: string): Promise<number> {
  const result = await regenerateFolder(folder, repositoryEnvironment('', name).topology);
  if (!result.ok)
    throw new Error(result.diagnostics.map((diagnostic) => formatDiagnostic(diagnostic)).join('\n'));
  return result.files;
}
