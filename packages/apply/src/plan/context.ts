// What every phase builder reads: the Model, the generated files by path, and how uploads of
// generated, public and secret files are described. Builders return drafts; the planner then
// decides, in plan order, which secrets are there and which steps are blocked.
import { vyos } from '@geostage/gen-vyos';
import type { FileSet, GeneratedFile, Model } from '@geostage/schema';
import { placeholdersIn } from '@geostage/secrets';
import type { Access, Command, PhaseName, Source, Upload } from './plan.ts';

export interface Context {
  model: Model;
  network: ReadonlyMap<string, GeneratedFile>;
  cluster: ReadonlyMap<string, GeneratedFile>;
  publicFiles: ReadonlySet<string>;
  parallel: number;
}

export function contextOf(
  model: Model,
  network: FileSet,
  cluster: FileSet,
  publicFiles: ReadonlySet<string>,
  parallel: number,
): Context {
  return {
    model,
    network: new Map(network.map((file) => [file.path, file])),
    cluster: new Map(cluster.map((file) => [file.path, file])),
    publicFiles,
    parallel,
  };
}

/** A step before secrets are checked: `problems` are reasons to block that are not secrets. */
export interface DraftStep {
  host: string;
  role: string;
  access: Access;
  uploads: Upload[];
  commands: Command[];
  produces?: string[];
  after?: string[];
  safetyNet?: string | null;
  notes?: string[];
  problems: string[];
}

export interface DraftPhase {
  name: PhaseName;
  summary: string;
  parallel: number;
  notes: string[];
  steps: DraftStep[];
}

/** An upload and the reasons it cannot happen yet (a file not generated, a public half missing). */
export interface PlannedUpload {
  upload: Upload;
  problems: string[];
}

/**
 * A generated file to upload. A file with secret placeholders goes up as 0600 whatever its
 * generated mode, since once filled it holds the secret; a file that still carries a
 * `@public:...@` marker was generated before `secrets init` and is stale.
 */
export function generatedUpload(
  context: Context,
  folder: 'network' | 'cluster',
  path: string,
  to: string,
): PlannedUpload {
  const from: Source = { kind: 'generated', folder, path };
  const file = (folder === 'network' ? context.network : context.cluster).get(path);
  const environment = context.model.name;
  if (!file) {
    return {
      upload: { from, to, mode: 0o644, secrets: [] },
      problems: [`${folder}/${path} is not generated: run geostage generate ${environment}`],
    };
  }
  const secrets = placeholdersIn(file.content);
  const markers = [...new Set([...file.content.matchAll(vyos.PUBLIC_PLACEHOLDER)].map((match) => match[1]!))];
  return {
    upload: { from, to, mode: secrets.length > 0 ? 0o600 : file.mode, secrets },
    problems:
      markers.length === 0
        ? []
        : [
            `${folder}/${path} still waits for public files (${markers.sort().join(', ')}): run geostage secrets init ${environment}, then geostage generate ${environment}`,
          ],
  };
}

/** A file of environments/<env>/public/ uploaded as it is. */
export function publicUpload(context: Context, name: string, to: string): PlannedUpload {
  const environment = context.model.name;
  return {
    upload: { from: { kind: 'public', name }, to, mode: 0o644, secrets: [] },
    problems: context.publicFiles.has(name)
      ? []
      : [`public/${name} is missing: run geostage secrets init ${environment}`],
  };
}

/** A file of environments/<env>/secrets/ uploaded as it is; whether it exists is decided later. */
export function secretUpload(name: string, to: string): PlannedUpload {
  return { upload: { from: { kind: 'secret', name }, to, mode: 0o600, secrets: [name] }, problems: [] };
}

export function scriptUpload(name: string, content: string, to: string): PlannedUpload {
  return { upload: { from: { kind: 'script', name, content }, to, mode: 0o755, secrets: [] }, problems: [] };
}

/** Uploads and their problems, gathered for a draft step. */
export function gather(planned: PlannedUpload[]): { uploads: Upload[]; problems: string[] } {
  return { uploads: planned.map((item) => item.upload), problems: planned.flatMap((item) => item.problems) };
}

/** The generated paths under a folder prefix, sorted. */
export function filesUnder(files: ReadonlyMap<string, GeneratedFile>, prefix: string): string[] {
  return [...files.keys()].filter((path) => path.startsWith(prefix)).sort();
}
