// `lab down`: removes exactly what `lab up` recorded in the state file: its openvpn and sshd processes
// by pid (only while they are still the lab's openvpn), its namespaces by exact name (their
// veths, bridges and tunnel devices go with them), then the lab folder (installed configs,
// filled keys, logs, lab-only secrets). Nothing else is looked at or touched.
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { listNamespaces, run } from '@geostage/transport';
import { labPrefix } from './names.ts';
import { stopLabProcess } from './processes.ts';
import { labFolder, readState } from './state.ts';
import { stopWires } from './wan/lab.ts';

export interface LabDownOptions {
  /** Absolute path of environments/<name>. */
  folder: string;
  progress(line: string): void;
}

export interface LabDownResult {
  /** False when there was no lab state: nothing was removed. */
  found: boolean;
  stopped: number;
  /** sshd processes stopped (one per router). */
  sshdStopped: number;
  /** The environment's namespaces removed (the operator's is counted apart). */
  removed: string[];
  operatorRemoved: boolean;
  /** Namespaces with this environment's prefix that no state records: left alone, reported. */
  strays: string[];
}

export async function labDown(options: LabDownOptions): Promise<LabDownResult> {
  const { folder, progress } = options;
  const lab = labFolder(folder);
  const state = await readState(folder);
  const result: LabDownResult = {
    found: state !== null,
    stopped: 0,
    sshdStopped: 0,
    removed: [],
    operatorRemoved: false,
    strays: [],
  };
  if (state) {
    const stopped = await Promise.all(state.processes.map((process) => stopLabProcess(process.pid, lab)));
    result.stopped = stopped.filter(Boolean).length;
    progress(
      `openvpn: ${result.stopped} of ${state.processes.length} processes stopped${result.stopped < state.processes.length ? ' (the others had exited)' : ''}`,
    );
    const sshd = state.access?.sshd ?? [];
    const sshdStopped = await Promise.all(sshd.map((one) => stopLabProcess(one.pid, lab, 3000, 'sshd')));
    result.sshdStopped = sshdStopped.filter(Boolean).length;
    if (sshd.length > 0) progress(`sshd: ${result.sshdStopped} of ${sshd.length} stopped`);
    const wires = await stopWires(state.wan);
    if (state.wan?.wires.length) progress(`WAN: ${wires} of ${state.wan.wires.length} wires stopped`);
    const present = new Set(await listNamespaces());
    if (state.access && present.has(state.access.namespace)) {
      await run('ip', ['netns', 'del', state.access.namespace]);
      result.operatorRemoved = true;
    }
    for (const namespace of [...state.namespaces].reverse()) {
      if (!present.has(namespace.name)) continue;
      await run('ip', ['netns', 'del', namespace.name]);
      result.removed.push(namespace.name);
    }
    progress(
      `namespaces: ${result.removed.length} removed${result.operatorRemoved ? `, and the operator's ${state.access?.namespace}` : ''}`,
    );
  }
  const prefix = state?.prefix ?? labPrefix(folder);
  const recorded = new Set([
    ...(state?.namespaces.map((namespace) => namespace.name) ?? []),
    ...(state?.access ? [state.access.namespace] : []),
  ]);
  result.strays = (await listNamespaces()).filter((name) => name.startsWith(prefix) && !recorded.has(name));
  if (existsSync(lab)) await rm(lab, { recursive: true, force: true });
  return result;
}
