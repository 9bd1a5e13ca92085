// `apply --lab`: the plan executed over real SSH into the lab's router namespaces, from the
// operator namespace, in named steps: read the lab's inventory, plan the Linux flavour the lab
// runs (the same conversion `lab up` uses), translate each phase for the lab (targets/lab.ts),
// run it (execute/runner.ts). The I/O edge of the package.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { environmentPaths, listFiles } from '@geostage/environment';
import { generateLinuxRouters } from '@geostage/gen-vyos';
import {
  type InventoryFailure,
  isLabProcess,
  type LabInventory,
  labFolder,
  linuxFlavour,
  readInventory,
  readState,
  writeState,
} from '@geostage/lab';
import type { Model } from '@geostage/schema';
import { readPublicMaterial } from '@geostage/secrets';
import { connect, publicKeyBlob, type Result, type Session } from '@geostage/transport';
import type { HostActions } from '../execute/actions.ts';
import { type HostOutcome, type RuntimeFailure, readApplyState, runPhase } from '../execute/runner.ts';
import { buildPlan, PHASE_NAMES, type PhaseName } from '../plan/index.ts';
import { labActions } from '../targets/lab.ts';

export interface ApplyLabOptions {
  environment: string;
  /** Absolute path of environments/<name>. */
  folder: string;
  model: Model;
  /** Only this phase; all phases when left out. */
  phase?: PhaseName;
  dryRun: boolean;
  /** Hosts at once (default: the plan's, 8). */
  parallel?: number;
  progress(line: string): void;
}

/** Why apply stopped: no usable lab, or a host that failed. */
export type ApplyFailure = InventoryFailure | RuntimeFailure;

export interface ApplyLabResult {
  ok: boolean;
  /** Why apply stopped, per failed host; empty when everything ran. */
  errors: string[];
  /** The same, as data: the CLI picks its exit code by kind. */
  failures: ApplyFailure[];
  ran: number;
  skipped: number;
  /** Hosts not reached (behind NAT), per phase, with the reason. */
  notReached: { phase: PhaseName; host: string; reason: string }[];
  /** Phases the lab cannot execute, with the reason. */
  notExecutable: { phase: PhaseName; reason: string }[];
}

export const APPLY_STATE = 'apply-state.json';

type Progress = (line: string) => void;

/** The plan of the Linux flavour the lab runs, with the generated files it uploads. */
async function labPlan(options: ApplyLabOptions, secrets: string, publicFrom: string) {
  const flavour = linuxFlavour(options.model);
  for (const { router, was } of flavour.converted)
    options.progress(
      `${router}: the topology says ${was}; the lab runs the Linux flavour of it, so apply uploads Linux router files`,
    );
  const linux = generateLinuxRouters(
    flavour.model,
    await readPublicMaterial(environmentPaths(publicFrom).public),
  );
  const plan = buildPlan({
    model: flavour.model,
    network: linux.files,
    cluster: [],
    secrets: await listFiles(secrets),
    publicFiles: await listFiles(environmentPaths(publicFrom).public),
    ...(options.parallel ? { parallel: options.parallel } : {}),
  });
  return { plan, network: linux.files };
}

/** Connects to a lab router as the inventory says: from the operator namespace, its host key checked. */
function labConnector(inventory: LabInventory): (host: HostActions) => Promise<Result<Session>> {
  const identities = new Map<string, Promise<Buffer>>();
  return async (host) => {
    const ssh = inventory.routers.find((router) => router.name === host.host)?.ssh;
    if (!ssh) return { ok: false, error: `${host.host}: no sshd in the lab` };
    if (!identities.has(ssh.identity)) identities.set(ssh.identity, readFile(ssh.identity));
    return connect({
      host: host.host,
      address: host.address,
      port: ssh.port,
      user: ssh.user,
      privateKey: await identities.get(ssh.identity)!,
      hostKey: publicKeyBlob(ssh.hostKey),
      namespace: ssh.from,
    });
  };
}

// One loop over the phases; each phase is translated, then described (dry run) or run.
export async function applyLab(options: ApplyLabOptions): Promise<ApplyLabResult> {
  const { folder, progress, environment } = options;
  const result: ApplyLabResult = {
    ok: false,
    errors: [],
    failures: [],
    ran: 0,
    skipped: 0,
    notReached: [],
    notExecutable: [],
  };
  const read = await readInventory(folder, environment);
  if (!read.ok) {
    result.errors.push(read.error);
    result.failures.push({ kind: read.kind, error: read.error });
    return result;
  }
  const { inventory, state } = read;
  progress(
    `apply ${environment} in the lab${options.dryRun ? ' (dry run: nothing is touched)' : ''}: routers run the Linux flavour (VyOS cannot run in a namespace)`,
  );
  const lab = labFolder(folder);
  const secrets = environmentPaths(state.secrets === 'lab' ? join(lab, 'keys') : folder).secrets;
  const publicFrom = state.secrets === 'lab' ? join(lab, 'keys') : folder;
  const { plan, network } = await labPlan(options, secrets, publicFrom);
  const connector = labConnector(inventory);
  const operator = state.access?.namespace ?? '';
  const statePath = join(lab, APPLY_STATE);
  const completed = await readApplyState(statePath);
  for (const phase of options.phase ? [options.phase] : [...PHASE_NAMES]) {
    const translated = labActions(phase, { plan, network, inventory });
    if (!translated.ok) {
      result.notExecutable.push({ phase, reason: translated.reason });
      progress(`[${phase}] not executable in the lab: ${translated.reason}; skipped`);
      continue;
    }
    const { hosts, parallel } = translated;
    progress(`[${phase}] ${hosts.length} hosts, ${parallel} at a time, over SSH from ${operator}`);
    if (options.dryRun) {
      for (const host of hosts) describe(host, completed.completed, progress);
      continue;
    }
    const outcomes = await runPhase({
      hosts,
      parallel,
      secrets,
      statePath,
      logPath: (host) => join(lab, 'logs', `apply-${host}.log`),
      progress,
      connect: connector,
    });
    record(result, phase, outcomes);
    if (phase === 'routers') await recordTunnelPids(folder);
    if (result.errors.length > 0) {
      progress(`[${phase}] failed; later phases not run`);
      return result;
    }
  }
  result.ok = true;
  return result;
}

function record(result: ApplyLabResult, phase: PhaseName, outcomes: HostOutcome[]): void {
  for (const outcome of outcomes) {
    result.ran += outcome.ran;
    result.skipped += outcome.skipped;
    if (outcome.error) result.errors.push(outcome.error);
    if (outcome.failure) result.failures.push(outcome.failure);
    if (outcome.unreachable)
      result.notReached.push({ phase, host: outcome.host, reason: outcome.unreachable });
  }
}

function describe(host: HostActions, completed: Record<string, string>, progress: Progress): void {
  if (host.unreachable) {
    progress(`  ${host.host}: would be skipped: ${host.unreachable}`);
    return;
  }
  progress(`  ${host.host} (ssh root@${host.address}):`);
  for (const action of host.actions)
    progress(`    ${action.id in completed ? 'done ' : 'would'} ${action.label}`);
  for (const skipped of host.skipped) progress(`    not in the lab: ${skipped}`);
}

/** apply restarted the lab's openvpn processes: record their new pids so `lab down` and `lab status` find them. */
async function recordTunnelPids(folder: string): Promise<void> {
  const state = await readState(folder);
  if (!state) return;
  const lab = labFolder(folder);
  for (const process of state.processes) {
    if (!process.pidFile) continue;
    const pid = Number.parseInt(await readFile(join(lab, process.pidFile), 'utf8').catch(() => ''), 10);
    if (Number.isInteger(pid) && isLabProcess(pid, lab)) process.pid = pid;
  }
  await writeState(folder, state);
}
