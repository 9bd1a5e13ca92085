// The one place the site reads the disk: every environments/<env>/ with its topology, its
// generated folders and its measured results. Everything after this is pure rendering.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  environmentPaths,
  environmentsIn,
  type MeasuredMatrix,
  parseVerify,
  parseWanResults,
  repositoryEnvironment,
  type WanResults,
} from '@geostage/environment';
import { formatDiagnostic, loadTopologyFile, type Model, resolve } from '@geostage/schema';
import { type Folder, ownersOf, type SiteFile } from './files.ts';
import { computedReachability } from './reach.ts';
import { modelReachability, type Reachability } from './reachability.ts';
import { type Scale, scaleOf } from './scale.ts';

export const FOLDERS: Folder[] = ['network', 'cluster'];

export interface Environment {
  name: string;
  /** The topology path as shown to readers: environments/<env>/topology.yaml. */
  source: string;
  model: Model | null;
  /** Diagnostics of the topology and anything missing or malformed, one line each. */
  problems: string[];
  /** Which generated folders exist (have an index.json). */
  generated: Record<Folder, boolean>;
  files: SiteFile[];
  /** Files by the device (router or server name) they belong to. */
  filesByDevice: Map<string, SiteFile[]>;
  /** The site of every server, for links and look-ups. */
  serverSite: Map<string, string>;
  reachability: Reachability | null;
  verify: MeasuredMatrix | null;
  /** results/wan.json when present: what `geostage measure` found on the WAN. */
  wan: WanResults | null;
  scale: Scale;
}

/** environments/ of the repository, or GEOSTAGE_ENVIRONMENTS_DIR (set by astro.config.mjs). */
export function environmentsDirectory(): string {
  const directory = process.env.GEOSTAGE_ENVIRONMENTS_DIR;
  if (!directory) throw new Error('GEOSTAGE_ENVIRONMENTS_DIR is not set (astro.config.mjs sets its default)');
  return directory;
}

let loaded: Promise<Environment[]> | undefined;

/** Every environment, sorted by name; read once per build. */
export function environments(): Promise<Environment[]> {
  loaded ??= loadAll(environmentsDirectory());
  return loaded;
}

export async function environment(name: string): Promise<Environment> {
  const found = (await environments()).find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no environment ${name}`);
  return found;
}

async function loadAll(directory: string): Promise<Environment[]> {
  const names = environmentsIn(directory);
  return Promise.all(names.map((name) => loadEnvironment(directory, name)));
}

async function loadEnvironment(directory: string, name: string): Promise<Environment> {
  const paths = environmentPaths(join(directory, name));
  const source = repositoryEnvironment('', name).topology;
  const problems: string[] = [];
  const loadedTopology = await loadTopologyFile(paths.topology);
  for (const diagnostic of loadedTopology.diagnostics) {
    problems.push(formatDiagnostic({ ...diagnostic, file: source }));
  }
  const model = loadedTopology.topology ? resolve(loadedTopology.topology, source) : null;

  const generated: Record<Folder, boolean> = { network: false, cluster: false };
  const files: SiteFile[] = [];
  for (const kind of FOLDERS) {
    const read = readGenerated(paths.generated[kind], paths.index[kind], kind);
    if (typeof read === 'string') problems.push(read);
    else if (read) {
      generated[kind] = true;
      files.push(...read);
    }
  }

  const devices = new Set<string>();
  for (const site of model?.sites ?? []) devices.add(site.router.name);
  for (const server of model?.servers ?? []) devices.add(server.name);
  const filesByDevice = new Map<string, SiteFile[]>();
  for (const file of files) {
    file.owners = ownersOf(file.path, devices);
    for (const owner of file.owners) {
      const list = filesByDevice.get(owner) ?? [];
      list.push(file);
      filesByDevice.set(owner, list);
    }
  }

  let reachability: Reachability | null = null;
  if (model) {
    const network = files.filter((file) => file.folder === 'network');
    const computed = generated.network ? computedReachability(network) : null;
    if (typeof computed === 'string') problems.push(computed);
    reachability = computed && typeof computed !== 'string' ? computed : modelReachability(model);
    problems.push(...reachability.warnings);
  }

  let verify: MeasuredMatrix | null = null;
  const verifyPath = paths.verifyResults;
  if (existsSync(verifyPath)) {
    const parsed = parseVerify(readFileSync(verifyPath, 'utf8'));
    if (typeof parsed === 'string') problems.push(parsed);
    else verify = parsed;
  }

  let wan: WanResults | null = null;
  if (existsSync(paths.wanResults)) {
    const parsed = parseWanResults(readFileSync(paths.wanResults, 'utf8'));
    if (typeof parsed === 'string') problems.push(parsed);
    else wan = parsed;
  }

  return {
    name,
    source,
    model,
    problems,
    generated,
    files,
    filesByDevice,
    serverSite: new Map(model?.servers.map((server) => [server.name, server.site] as const)),
    reachability,
    verify,
    wan,
    scale: scaleOf({
      sites: model?.sites.length ?? 0,
      servers: model?.servers.length ?? 0,
      files: files.length,
    }),
  };
}

interface IndexFile {
  files: { path: string; sha256: string; mode: string; bytes: number }[];
}

/** Files listed in generated/<kind>/index.json; null when the folder was never generated. */
function readGenerated(directory: string, indexPath: string, folder: Folder): SiteFile[] | string | null {
  if (!existsSync(indexPath)) return null;
  let index: IndexFile;
  try {
    index = JSON.parse(readFileSync(indexPath, 'utf8')) as IndexFile;
  } catch (error) {
    return `generated/${folder}/index.json is not JSON: ${(error as Error).message}`;
  }
  const files: SiteFile[] = [];
  for (const entry of index.files ?? []) {
    const path = join(directory, entry.path);
    if (!existsSync(path) || !statSync(path).isFile()) {
      return `generated/${folder}/index.json lists ${entry.path}, which is missing: regenerate`;
    }
    files.push({
      folder,
      path: entry.path,
      content: readFileSync(path, 'utf8'),
      bytes: entry.bytes,
      sha256: entry.sha256,
      mode: entry.mode,
      owners: [],
    });
  }
  return files;
}
