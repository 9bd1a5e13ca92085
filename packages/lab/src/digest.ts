// What a lab was built from: a digest per file of the topology and the generated network files,
// recorded when `lab up` builds it (and brought forward by apply for the routers it configures).
// Compared with the files now on disk it names a stale lab, file by file, and what to run.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { environmentPaths, listFiles, TOPOLOGY_FILE } from '@geostage/environment';
import { INDEX_FILE } from '@geostage/schema';

/** Path (relative to the environment folder) -> first 16 hex digits of its SHA-256. */
export interface LabSource {
  files: Record<string, string>;
  /**
   * 'topology': a machines lab, built from the topology alone (it installs no generated file;
   * apply brings them over SSH), so only a topology change makes it stale.
   */
  scope?: 'topology';
}

const sha = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 16);

/**
 * The digests of topology.yaml and every file under generated/network, as they are on disk now.
 * Not the generator's index.json: it lists the digests of the others, so any change would make it
 * change too, and a change of router files alone would look like one apply cannot bring forward.
 */
export async function readLabSource(environmentFolder: string): Promise<LabSource> {
  const paths = environmentPaths(environmentFolder);
  const files: Record<string, string> = {};
  const topology = await readFile(paths.topology, 'utf8').catch(() => null);
  if (topology !== null) files[TOPOLOGY_FILE] = sha(topology);
  for (const path of await listFiles(paths.generated.network)) {
    if (path === INDEX_FILE) continue;
    const content = await readFile(join(paths.generated.network, path), 'utf8');
    files[`generated/network/${path}`] = sha(content);
  }
  return { files };
}

/** What a machines lab is built from: the topology alone. */
export function topologyOnly(source: LabSource): LabSource {
  const digest = source.files[TOPOLOGY_FILE];
  return { files: digest === undefined ? {} : { [TOPOLOGY_FILE]: digest }, scope: 'topology' };
}

export interface SourceChange {
  path: string;
  change: 'changed' | 'added' | 'removed';
}

/** What differs between what the lab was built from and the files now (pure; sorted by path). */
export function sourceChanges(built: LabSource, now: LabSource): SourceChange[] {
  const changes: SourceChange[] = [];
  const paths = [...Object.keys(built.files), ...Object.keys(now.files)].filter(
    (path) => built.scope !== 'topology' || path === TOPOLOGY_FILE,
  );
  for (const path of new Set(paths)) {
    const before = built.files[path];
    const after = now.files[path];
    if (before === after) continue;
    changes.push({
      path,
      change: before === undefined ? 'added' : after === undefined ? 'removed' : 'changed',
    });
  }
  return changes.sort((a, b) => a.path.localeCompare(b.path));
}

/** Whether apply can bring the lab to the files: only router files (and the topology that made them) changed. */
export function applyRepairs(changes: readonly SourceChange[]): boolean {
  return changes.every(
    (change) => change.path === TOPOLOGY_FILE || change.path.startsWith('generated/network/routers/'),
  );
}

/** One line: what changed (the first few files) and what to run. */
export function staleMessage(environment: string, changes: readonly SourceChange[]): string {
  const shown = changes.slice(0, 4).map((change) => `${change.path} ${change.change}`);
  const more = changes.length > shown.length ? ` and ${changes.length - shown.length} more` : '';
  const run = applyRepairs(changes)
    ? `run geostage apply ${environment} --lab (or lab down and lab up)`
    : `run geostage lab down ${environment} and geostage lab up ${environment}`;
  return `the lab of ${environment} is stale: it was built from other files than those on disk (${shown.join(', ')}${more}); ${run}`;
}

/**
 * The source after apply configured `routers`: their generated files (and the topology) count
 * as built from what is on disk now; everything else stays as the lab was built.
 */
export function appliedSource(built: LabSource, now: LabSource, routers: readonly string[]): LabSource {
  const files = { ...built.files };
  const applied = (path: string) =>
    path === TOPOLOGY_FILE ||
    routers.some((router) => path.startsWith(`generated/network/routers/${router}/`));
  for (const path of Object.keys(files)) if (applied(path) && !(path in now.files)) delete files[path];
  for (const [path, digest] of Object.entries(now.files)) if (applied(path)) files[path] = digest;
  return { files };
}
