// Application replicas in the lab: each one a process in its server's namespace, standing in
// for the kubelet (no container, no image: the application's `lab` command runs instead). They
// are recorded by exact pid in .lab/apps.json, and a pid is only ours while its environment
// names this lab and this replica, so `app stop` and `lab down` stop exactly those.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, openSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { labFolder } from './state.ts';

export const APPS_FORMAT = 'geostage-lab-apps';
export const APPS_VERSION = 1;
/** The lab's own words for what it does instead of a cluster. */
export const KUBELET_NOTE =
  "the lab stands in for the kubelet: each replica is a process in its server namespace, running the application's lab command (no container, no image)";

/** One replica as the manifests ask for it, placed on a lab server. */
export interface LabReplicaSpec {
  app: string;
  site: string;
  ordinal: number;
  /** The pod's name: <app>-<site>-<ordinal>. */
  name: string;
  server: string;
  namespace: string;
  /** The server's address (no length). */
  address: string;
  /** Absolute command line, run inside the namespace. */
  command: string[];
  /** Variables added to the replica's environment (GEOSTAGE_*). */
  environment: Record<string, string>;
  /** TCP ports it must listen on to count as ready. */
  ports: number[];
  /** The image tag the replica stands for (what `update` changes). */
  version: string;
  /** The lab addresses of the peers its arguments name. */
  peers: string[];
}

export interface LabReplica extends LabReplicaSpec {
  pid: number;
  /** Its start time in /proc/<pid>/stat: with the pid, what makes it this process. */
  startTime: number;
  /** Digest of command and environment: a different one means `update` restarts it. */
  digest: string;
  /** Relative to the lab folder: the replica's own folder (its "volume") and log. */
  folder: string;
  log: string;
  startedAt: string;
}

export interface LabAppsState {
  format: typeof APPS_FORMAT;
  version: typeof APPS_VERSION;
  replicas: LabReplica[];
  /** Applications `app stop` scaled to zero (their replicas are recorded, not running). */
  stopped: string[];
}

const appsPath = (environmentFolder: string) => join(labFolder(environmentFolder), 'apps.json');

export async function readAppsState(environmentFolder: string): Promise<LabAppsState> {
  const path = appsPath(environmentFolder);
  if (!existsSync(path)) return { format: APPS_FORMAT, version: APPS_VERSION, replicas: [], stopped: [] };
  const state = JSON.parse(await readFile(path, 'utf8')) as LabAppsState;
  if (state.format !== APPS_FORMAT || state.version !== APPS_VERSION)
    throw new Error(`${path}: not a geostage lab applications file of version ${APPS_VERSION}`);
  return state;
}

export async function writeAppsState(environmentFolder: string, state: LabAppsState): Promise<void> {
  await mkdir(labFolder(environmentFolder), { recursive: true, mode: 0o700 });
  await writeFileAtomic(appsPath(environmentFolder), `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
}

/** Pure: what identifies a replica's running configuration. */
export function replicaDigest(spec: LabReplicaSpec): string {
  const text = JSON.stringify([
    spec.namespace,
    spec.command,
    spec.version,
    Object.entries(spec.environment).sort(),
  ]);
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/** The variables every replica gets; the pid check reads the first two back. */
export function replicaEnvironment(lab: string, spec: LabReplicaSpec): Record<string, string> {
  return {
    GEOSTAGE_LAB: lab,
    GEOSTAGE_REPLICA: spec.name,
    GEOSTAGE_APP: spec.app,
    GEOSTAGE_SITE: spec.site,
    GEOSTAGE_SERVER: spec.server,
    GEOSTAGE_ADDRESS: spec.address,
    GEOSTAGE_VERSION: spec.version,
    ...spec.environment,
  };
}

/** Pure: the start time (clock ticks after boot) in a /proc/<pid>/stat line, and whether it is a zombie. */
export function parseStat(stat: string): { startTime: number; zombie: boolean } | null {
  // The command name (field 2) may hold spaces and parentheses: fields start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const startTime = Number(fields[19]);
  return Number.isFinite(startTime) ? { startTime, zombie: fields[0] === 'Z' } : null;
}

/** The start time of a live process, or null (gone or a zombie). */
export function processStartTime(pid: number): number | null {
  try {
    const parsed = parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    return parsed && !parsed.zombie ? parsed.startTime : null;
  } catch {
    return null;
  }
}

/**
 * Whether the recorded replica is still that process: same pid and same start time, so a pid
 * reused by anything else is never ours (nginx rewrites its title and environment, so neither
 * can tell).
 */
export function isReplicaProcess(replica: Pick<LabReplica, 'pid' | 'startTime'>): boolean {
  return replica.pid > 0 && processStartTime(replica.pid) === replica.startTime;
}

/** Pure: the TCP ports in state LISTEN in a /proc/net/tcp or tcp6 table. */
export function listeningPorts(table: string): Set<number> {
  const ports = new Set<number>();
  for (const line of table.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 4 || fields[3] !== '0A') continue;
    const port = fields[1]!.split(':')[1];
    if (port) ports.add(Number.parseInt(port, 16));
  }
  return ports;
}

/** Ready: the process is ours and every port it declares listens in its namespace. */
export function replicaReady(replica: LabReplica): boolean {
  if (!isReplicaProcess(replica)) return false;
  if (replica.ports.length === 0) return true;
  let listening: Set<number>;
  try {
    // /proc/<pid>/net shows the sockets of the pid's network namespace.
    listening = new Set([
      ...listeningPorts(readFileSync(`/proc/${replica.pid}/net/tcp`, 'utf8')),
      ...listeningPorts(readFileSync(`/proc/${replica.pid}/net/tcp6`, 'utf8')),
    ]);
  } catch {
    return false;
  }
  return replica.ports.every((port) => listening.has(port));
}

/** Starts one replica: `ip netns exec <namespace> <command>`, detached, its output in its log. */
export async function startReplica(environmentFolder: string, spec: LabReplicaSpec): Promise<LabReplica> {
  const lab = labFolder(environmentFolder);
  const folder = join('apps', spec.name);
  const log = join(folder, 'replica.log');
  await mkdir(join(lab, folder), { recursive: true, mode: 0o755 });
  const output = openSync(join(lab, log), 'a');
  const child = spawn('ip', ['netns', 'exec', spec.namespace, ...spec.command], {
    cwd: join(lab, folder),
    detached: true,
    stdio: ['ignore', output, output],
    env: { ...process.env, ...replicaEnvironment(lab, spec) },
  });
  const pid = await new Promise<number>((done, fail) => {
    child.once('spawn', () => done(child.pid!));
    child.once('error', fail);
  });
  child.unref();
  const startTime = processStartTime(pid) ?? -1;
  return {
    ...spec,
    pid,
    startTime,
    digest: replicaDigest(spec),
    folder,
    log,
    startedAt: new Date().toISOString(),
  };
}

/** SIGTERM, SIGKILL after `graceMs`; true when it was ours and is gone. */
export async function stopReplica(replica: LabReplica, graceMs = 5000): Promise<boolean> {
  if (!isReplicaProcess(replica)) return false;
  process.kill(replica.pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isReplicaProcess(replica)) return true;
    await new Promise((done) => setTimeout(done, 50));
  }
  if (isReplicaProcess(replica)) process.kill(replica.pid, 'SIGKILL');
  return true;
}

/** Removes a replica's folder (its log and data): `stop --delete`. */
export async function deleteReplicaFolder(environmentFolder: string, replica: LabReplica): Promise<void> {
  await rm(join(labFolder(environmentFolder), replica.folder), { recursive: true, force: true });
}

/** For `lab down`: stops every recorded replica that is still ours; how many were stopped. */
export async function stopAllReplicas(
  environmentFolder: string,
): Promise<{ stopped: number; recorded: number }> {
  const state = await readAppsState(environmentFolder);
  const stopped = await Promise.all(state.replicas.map((replica) => stopReplica(replica)));
  return { stopped: stopped.filter(Boolean).length, recorded: state.replicas.length };
}
