// The lab's state file, environments/<env>/.lab/state.json (git-ignored): everything `lab up`
// made, by exact name and pid, written as it goes so that `lab down` can remove a lab that
// failed halfway. Its inventory is what apply and verify read.
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import type { LabSshd } from './access.ts';
import type { LabSource } from './digest.ts';
import type { LabInventory } from './inventory.ts';
import type { LabMachine } from './machines/booted.ts';
import type { LabWanState } from './wan/lab.ts';
import type { LabNamespace, LabRouter, LabServer } from './wiring/wiring.ts';

export const LAB_FOLDER = '.lab';
export const STATE_FORMAT = 'geostage-lab';
export const STATE_VERSION = 1;

export interface LabProcess {
  pid: number;
  router: string;
  namespace: string;
  interface: string;
  tunnel: string;
  /** Relative to the lab folder. */
  log: string;
  /** Where openvpn writes its pid, relative to the lab folder (apply restarts it and reads it again). */
  pidFile?: string;
}

/** How apply reaches the lab: the operator namespace and one sshd per router (paths relative to the lab folder). */
export interface LabSshAccess {
  namespace: string;
  addresses: string[];
  user: string;
  identity: string;
  sshd: (LabSshd & { pid: number })[];
}

export interface LabState {
  format: typeof STATE_FORMAT;
  version: typeof STATE_VERSION;
  environment: string;
  /** The absolute environment folder the lab was made from (its hash is in `prefix`). */
  folder: string;
  prefix: string;
  startedAt: string;
  /** False until every tunnel is up; a lab that failed halfway stays false. */
  complete: boolean;
  /**
   * 'environment': environments/<env>/secrets; 'lab': lab-only secrets in .lab/keys; 'none': a
   * machines lab, which installs no secret (apply brings the environment's over SSH).
   */
  secrets: 'environment' | 'lab' | 'none';
  /** 'machines' (lab up --machines): every router and server is a booted machine; absent: the namespace lab. */
  mode?: 'machines';
  /** The booted machines, each recorded before it starts and its pid as soon as it exists (machines/booted.ts). */
  machines?: LabMachine[];
  /** The image the machines boot (machines/image.ts). */
  image?: string;
  /** Routers the lab runs as Linux though the topology says otherwise. */
  converted: { router: string; was: string }[];
  /** In creation order; `lab down` deletes them in reverse. */
  namespaces: LabNamespace[];
  processes: LabProcess[];
  routers: LabRouter[];
  servers: LabServer[];
  /** Absent in a lab made before apply could reach it over SSH. */
  access?: LabSshAccess;
  /** What the lab publishes for apply and measure; written when lab up completes (inventory.ts). */
  inventory?: LabInventory;
  /** The lab's WAN between the routers (wan/lab.ts); absent in a lab made before it could emulate. */
  wan?: LabWanState;
  /** What the lab was built from (digest.ts); absent in a lab made before it recorded it. */
  source?: LabSource;
}

export const labFolder = (environmentFolder: string) => join(environmentFolder, LAB_FOLDER);
const statePath = (environmentFolder: string) => join(labFolder(environmentFolder), 'state.json');

/** The state file as read: none, a state, or a file that is not one (with what to run). */
export type StateRead =
  | { kind: 'none' }
  | { kind: 'state'; state: LabState }
  | { kind: 'corrupt'; error: string };

/** A corrupt state file is a value, never a stack trace: the message says how to remove that lab. */
export async function loadState(
  environmentFolder: string,
  environment = 'the environment',
): Promise<StateRead> {
  const path = statePath(environmentFolder);
  if (!existsSync(path)) return { kind: 'none' };
  const corrupt = (why: string): StateRead => ({
    kind: 'corrupt',
    error: `the lab state ${path} is corrupt (${why}); geostage lab down ${environment} --force removes everything of that lab by its name prefix`,
  });
  let state: LabState;
  try {
    state = JSON.parse(await readFile(path, 'utf8')) as LabState;
  } catch (error) {
    return corrupt(error instanceof Error ? error.message : String(error));
  }
  if (
    typeof state !== 'object' ||
    state === null ||
    state.format !== STATE_FORMAT ||
    state.version !== STATE_VERSION
  )
    return corrupt(`not a geostage lab state file of version ${STATE_VERSION}`);
  if (!Array.isArray(state.namespaces) || !Array.isArray(state.processes) || typeof state.prefix !== 'string')
    return corrupt('namespaces, processes or prefix missing');
  return { kind: 'state', state };
}

/** The state, or null when there is none; throws on a corrupt file (loadState says so as a value). */
export async function readState(environmentFolder: string): Promise<LabState | null> {
  const read = await loadState(environmentFolder);
  if (read.kind === 'corrupt') throw new Error(read.error);
  return read.kind === 'state' ? read.state : null;
}

/** Written atomically (temporary file, then rename), so an interrupted write never leaves half a state. */
export async function writeState(environmentFolder: string, state: LabState): Promise<void> {
  await mkdir(labFolder(environmentFolder), { recursive: true, mode: 0o700 });
  await writeFileAtomic(statePath(environmentFolder), `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
}
