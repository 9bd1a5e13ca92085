// The one place the site reads the disk: every environments/<env>/ with its topology, its
// generated folders and its measured results. Everything after this is pure rendering.
import { existsSync, readFileSync } from 'node:fs';
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
import {
  formatDiagnostic,
  loadTopologyFile,
  type Model,
  type ModelServer,
  type ModelSite,
  type ModelTunnel,
  resolve,
} from '@geostage/schema';
import { type Folder, fileSlug, ownersOf, type SiteFile } from './files.ts';
import { computedReachability } from './reach.ts';
import { modelReachability, type Reachability } from './reachability.ts';
import { type Counts, type Scale, scaleOf } from './scale.ts';

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
  /**
   * Look-ups made once per environment, so that a page costs what it shows rather than a scan
   * of every site, server, tunnel or file (which, over one page per site, is quadratic).
   */
  siteByName: Map<string, ModelSite>;
  /** The site of every router. */
  routerSite: Map<string, string>;
  serversBySite: Map<string, ModelServer[]>;
  tunnelsBySite: Map<string, ModelTunnel[]>;
  fileBySlug: Map<string, SiteFile>;
  /** null when the topology has errors or the environment is too large to compute it (scale.reachability). */
  reachability: Reachability | null;
  verify: MeasuredMatrix | null;
  /** results/wan.json when present: what `geostage measure` found on the WAN. */
  wan: WanResults | null;
  counts: Counts;
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

  const indexes: Partial<Record<Folder, IndexFile>> = {};
  for (const kind of FOLDERS) {
    const read = readIndex(paths.index[kind], kind);
    if (typeof read === 'string') problems.push(read);
    else if (read) indexes[kind] = read;
  }
  const counts: Counts = {
    sites: model?.sites.length ?? 0,
    servers: model?.servers.length ?? 0,
    segments: model?.sites.reduce((sum, site) => sum + site.segments.length, 0) ?? 0,
    files: FOLDERS.reduce((sum, kind) => sum + (indexes[kind]?.files.length ?? 0), 0),
  };
  const scale = scaleOf(counts);

  const generated: Record<Folder, boolean> = { network: false, cluster: false };
  const listed: SiteFile[] = [];
  for (const kind of FOLDERS) {
    const index = indexes[kind];
    if (!index) continue;
    generated[kind] = true;
    listed.push(...listGenerated(index, kind));
  }

  const devices = new Set<string>();
  for (const site of model?.sites ?? []) devices.add(site.router.name);
  for (const server of model?.servers ?? []) devices.add(server.name);
  // Contents are read only where a page shows them or reach reads them (scale.ts): a large
  // environment's device files are gigabytes, its cluster-wide files a handful. Reading is also
  // the check that the index is current; files not read are listed as the index has them.
  for (const file of listed) {
    file.owners = ownersOf(file.path, devices);
    const shown = scale.devicePages || file.owners.length === 0;
    if (!generated[file.folder] || (!shown && !(file.folder === 'network' && scale.reachability))) continue;
    const read = readListed(paths.generated[file.folder], file);
    if (typeof read === 'string') file.content = read;
    else {
      // A folder with a missing file is shown as not generated: regenerate.
      problems.push(read.missing);
      generated[file.folder] = false;
    }
  }
  const files = listed.filter((file) => generated[file.folder]);
  const filesByDevice = new Map<string, SiteFile[]>();
  for (const file of files) {
    for (const owner of file.owners) {
      const list = filesByDevice.get(owner) ?? [];
      list.push(file);
      filesByDevice.set(owner, list);
    }
  }

  let reachability: Reachability | null = null;
  if (model && scale.reachability) {
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
    siteByName: new Map(model?.sites.map((site) => [site.name, site] as const)),
    routerSite: new Map(model?.sites.map((site) => [site.router.name, site.name] as const)),
    serversBySite: groupBy(model?.servers ?? [], (server) => [server.site]),
    tunnelsBySite: groupBy(model?.tunnels ?? [], (tunnel) =>
      tunnel.a.site === tunnel.b.site ? [tunnel.a.site] : [tunnel.a.site, tunnel.b.site],
    ),
    fileBySlug: new Map(files.map((file) => [fileSlug(file), file] as const)),
    reachability,
    verify,
    wan,
    counts,
    scale,
  };
}

/** Items under every key `keys` gives them, in their order. */
function groupBy<T>(items: readonly T[], keys: (item: T) => string[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    for (const key of keys(item)) {
      const list = groups.get(key);
      if (list) list.push(item);
      else groups.set(key, [item]);
    }
  }
  return groups;
}

interface IndexFile {
  files: { path: string; sha256: string; mode: string; bytes: number }[];
}

/** generated/<kind>/index.json; null when the folder was never generated. */
function readIndex(indexPath: string, folder: Folder): IndexFile | string | null {
  if (!existsSync(indexPath)) return null;
  try {
    const index = JSON.parse(readFileSync(indexPath, 'utf8')) as Partial<IndexFile>;
    return { files: index.files ?? [] };
  } catch (error) {
    return `generated/${folder}/index.json is not JSON: ${(error as Error).message}`;
  }
}

/** The files an index lists, without their contents (the caller reads those it shows). */
function listGenerated(index: IndexFile, folder: Folder): SiteFile[] {
  return index.files.map((entry) => ({
    folder,
    path: entry.path,
    content: null,
    bytes: entry.bytes,
    sha256: entry.sha256,
    mode: entry.mode,
    owners: [],
  }));
}

/** A listed file's content, or a message when the index lists a file that is not there. */
function readListed(directory: string, file: SiteFile): string | { missing: string } {
  try {
    return readFileSync(join(directory, file.path), 'utf8');
  } catch (error) {
    if (
      (error as NodeJS.ErrnoException).code !== 'ENOENT' &&
      (error as NodeJS.ErrnoException).code !== 'EISDIR'
    )
      throw error;
    return {
      missing: `generated/${file.folder}/index.json lists ${file.path}, which is missing: regenerate`,
    };
  }
}
