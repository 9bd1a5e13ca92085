// `lab down`: removes what `lab up` recorded in the state file (its booted machines, openvpn, sshd
// and wire processes by pid, its namespaces by exact name), then what the record misses: every
// machine and namespace with the lab's name prefix, every process inside one (`ip netns pids`)
// and every lab daemon naming the lab folder. Then it looks again, and says "down" only when nothing remains; the
// lab folder goes last. A corrupt state file is refused unless forced, and forced, the prefix
// and the processes are enough.
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { listNamespaces, run } from '@geostage/transport';
import { stopAllReplicas } from './apps.ts';
import { lockLab } from './lock.ts';
import {
  cgroupsByPrefix,
  machineOf,
  machinePidsByPrefix,
  removeCgroups,
  stopMachines,
} from './machines/booted.ts';
import { labPrefix } from './names.ts';
import { isAlive, labFolderPids, namespacePids, stopLabProcess, stopPids } from './processes.ts';
import { type LabState, labFolder, loadState } from './state.ts';
import { stopWires } from './wan/lab.ts';

export interface LabDownOptions {
  /** Absolute path of environments/<name>. */
  folder: string;
  /** For messages; the folder's last part when left out. */
  environment?: string;
  /** Remove the lab by prefix and processes even when its state file is corrupt. */
  force?: boolean;
  progress(line: string): void;
}

export interface LabDownResult {
  /** False when there was no lab state and nothing of the lab was found. */
  found: boolean;
  /** Why nothing was touched: a corrupt state file without `force`, or another lab command at work. */
  refused: string | null;
  stopped: number;
  /** sshd processes stopped (one per router). */
  sshdStopped: number;
  /** Booted machines shut down (a machines lab). */
  machinesStopped: number;
  /** The environment's namespaces removed (the operator's is counted apart). */
  removed: string[];
  operatorRemoved: boolean;
  /** What the record missed and down found anyway: namespaces by prefix, processes by namespace or folder. */
  swept: { namespaces: string[]; processes: number };
  /** What is still there after down: the lab is down only when all are empty. */
  remaining: { namespaces: string[]; pids: number[]; cgroups: string[] };
}

/** Stops what the state records: booted machines, application replicas, tunnels, sshd, wires. */
async function stopRecorded(
  state: LabState,
  lab: string,
  result: LabDownResult,
  progress: (line: string) => void,
) {
  const machines = (state.machines ?? []).flatMap((one) =>
    one.pid === null ? [] : [{ pid: one.pid, machine: one.machine }],
  );
  if (state.machines?.length) {
    result.machinesStopped = await stopMachines(machines);
    progress(`machines: ${result.machinesStopped} of ${state.machines.length} shut down`);
  }
  const apps = await stopAllReplicas(state.folder);
  if (apps.recorded > 0) progress(`applications: ${apps.stopped} of ${apps.recorded} replicas stopped`);
  const stopped = await Promise.all(state.processes.map((process) => stopLabProcess(process.pid, lab)));
  result.stopped = stopped.filter(Boolean).length;
  if (state.processes.length > 0 || state.mode !== 'machines')
    progress(
      `openvpn: ${result.stopped} of ${state.processes.length} processes stopped${result.stopped < state.processes.length ? ' (the others had exited)' : ''}`,
    );
  const sshd = state.access?.sshd ?? [];
  const sshdStopped = await Promise.all(sshd.map((one) => stopLabProcess(one.pid, lab, 3000, 'sshd')));
  result.sshdStopped = sshdStopped.filter(Boolean).length;
  if (sshd.length > 0) progress(`sshd: ${result.sshdStopped} of ${sshd.length} stopped`);
  const wires = await stopWires(state.wan);
  if (state.wan?.wires.length) progress(`WAN: ${wires} of ${state.wan.wires.length} wires stopped`);
}

/** Every process of the lab still alive: inside its namespaces, or naming its folder. */
async function labPids(namespaces: readonly string[], lab: string): Promise<number[]> {
  const inside = await Promise.all(namespaces.map(namespacePids));
  return [...new Set([...inside.flat(), ...labFolderPids(lab)])].filter(isAlive).sort((a, b) => a - b);
}

const ofPrefix = async (prefix: string) => (await listNamespaces()).filter((name) => name.startsWith(prefix));

const environmentName = (options: LabDownOptions) =>
  options.environment ?? options.folder.split('/').pop() ?? options.folder;

/** `lab down` under the lab lock (lock.ts): refused while another lab command of the environment runs. */
export async function labDown(options: LabDownOptions): Promise<LabDownResult> {
  const lock = await lockLab(options.folder, environmentName(options), 'lab down');
  if (!lock.ok) {
    return {
      found: true,
      refused: lock.error,
      stopped: 0,
      sshdStopped: 0,
      machinesStopped: 0,
      removed: [],
      operatorRemoved: false,
      swept: { namespaces: [], processes: 0 },
      remaining: { namespaces: [], pids: [], cgroups: [] },
    };
  }
  try {
    return await removeLab(options);
  } finally {
    await lock.release();
  }
}

/** What `lab down` does, for a caller that holds the lock already (lab up's rollback). */
export async function removeLab(options: LabDownOptions): Promise<LabDownResult> {
  const { folder, progress } = options;
  const environment = environmentName(options);
  const lab = labFolder(folder);
  const read = await loadState(folder, environment);
  const result: LabDownResult = {
    found: read.kind !== 'none',
    refused: null,
    stopped: 0,
    sshdStopped: 0,
    machinesStopped: 0,
    removed: [],
    operatorRemoved: false,
    swept: { namespaces: [], processes: 0 },
    remaining: { namespaces: [], pids: [], cgroups: [] },
  };
  if (read.kind === 'corrupt') {
    if (!options.force) {
      result.refused = read.error;
      return result;
    }
    progress(`${read.error}: removing by prefix`);
  }
  const state = read.kind === 'state' ? read.state : null;
  if (state) await stopRecorded(state, lab, result, progress);
  const prefix = state?.prefix ?? labPrefix(folder);

  // What the record misses: machines named with the prefix (shut down, not killed, so that
  // their systemd stops what it runs), processes in any namespace of the prefix, or naming the lab folder.
  const strays = machinePidsByPrefix(prefix);
  if (strays.length > 0) {
    const stopped = await stopMachines(strays.map((pid) => ({ pid, machine: machineOf(pid) })));
    result.swept.processes += stopped;
    progress(`machines the state did not record: ${stopped} shut down (${strays.join(', ')})`);
  }
  const before = await ofPrefix(prefix);
  const missed = await labPids(before, lab);
  if (missed.length > 0) {
    result.swept.processes += await stopPids(missed);
    progress(`processes the state did not record: ${result.swept.processes} stopped (${missed.join(', ')})`);
  }

  const present = new Set(before);
  if (state?.access && present.has(state.access.namespace)) {
    await run('ip', ['netns', 'del', state.access.namespace]);
    present.delete(state.access.namespace);
    result.operatorRemoved = true;
  }
  for (const namespace of [...(state?.namespaces ?? [])].reverse()) {
    if (!present.has(namespace.name)) continue;
    await run('ip', ['netns', 'del', namespace.name]);
    present.delete(namespace.name);
    result.removed.push(namespace.name);
  }
  if (state)
    progress(
      `namespaces: ${result.removed.length} removed${result.operatorRemoved ? `, and the operator's ${state.access?.namespace}` : ''}`,
    );
  for (const name of present) {
    await run('ip', ['netns', 'del', name]).catch(() => {});
    result.swept.namespaces.push(name);
  }
  if (result.swept.namespaces.length > 0)
    progress(
      `namespaces the state did not record: ${result.swept.namespaces.length} removed (${result.swept.namespaces.join(', ')})`,
    );
  if (result.swept.namespaces.length > 0 || result.swept.processes > 0) result.found = true;

  // The machines' cgroups, once no process is left in them: recorded, and any of the prefix.
  const cgroups = [
    ...(state?.machines ?? []).flatMap((machine) => machine.cgroups ?? []),
    ...cgroupsByPrefix(prefix),
  ];
  result.remaining.cgroups = removeCgroups([...new Set(cgroups)]);

  // Look again: down is down only when nothing of the lab is left.
  result.remaining.namespaces = await ofPrefix(prefix);
  result.remaining.pids = [
    ...new Set([...(await labPids(result.remaining.namespaces, lab)), ...machinePidsByPrefix(prefix)]),
  ];
  const clean =
    result.remaining.namespaces.length === 0 &&
    result.remaining.pids.length === 0 &&
    result.remaining.cgroups.length === 0;
  if (clean && existsSync(lab)) await rm(lab, { recursive: true, force: true });
  return result;
}
