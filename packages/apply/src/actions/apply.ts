// `apply --lab`: the plan executed over real SSH into the lab's router namespaces, from the
// operator namespace, in named steps: read the lab's inventory, plan the Linux flavour the lab
// runs (the same conversion `lab up` uses), translate each phase for the lab (targets/lab.ts),
// run it (execute/runner.ts). The I/O edge of the package.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { environmentPaths, listFiles } from '@geostage/environment';
import { generateLinuxRouters } from '@geostage/gen-vyos';
import {
  appliedSource,
  applyRepairs,
  type InventoryFailure,
  isLabProcess,
  type LabInventory,
  labFolder,
  linuxFlavour,
  lockLab,
  readInventory,
  readLabSource,
  readState,
  sourceChanges,
  staleMessage,
  writeState,
} from '@geostage/lab';
import type { Model } from '@geostage/schema';
import { readPublicMaterial } from '@geostage/secrets';
import { connect, publicKeyBlob, type Result, type Session } from '@geostage/transport';
import type { HostActions } from '../execute/actions.ts';
import { type HostOutcome, loadApplyState, type RuntimeFailure, runPhase } from '../execute/runner.ts';
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
  /** Aborted (SIGINT, SIGTERM): no further step starts; the new tunnel pids are recorded. */
  signal?: AbortSignal;
}

/** What happened to one host in one phase: the summary apply ends with. */
export interface HostSummary {
  phase: PhaseName;
  host: string;
  /** ran: steps ran now; checked: only checks ran (nothing changed); done: every step completed before; not-run: never started (why); failed. */
  status: 'ran' | 'checked' | 'done' | 'not-run' | 'failed';
  ran: number;
  skipped: number;
  /** Why not run, or what failed. */
  reason: string | null;
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
  /** Per host and phase, in plan order; hosts of phases that never started are not-run. */
  summary: HostSummary[];
  /** The signal that stopped apply, if one did. */
  interrupted: string | null;
  /** Set when the lab is stale and apply cannot bring it to the files (servers changed). */
  stale: string | null;
}

export const APPLY_STATE = 'apply-state.json';

/** How long a router behind NAT may take to be reachable through its hub's tunnel. */
const TUNNEL_WAIT_MS = 30_000;

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
    const attempt = async () =>
      connect({
        host: host.host,
        address: host.address,
        port: ssh.port,
        user: ssh.user,
        privateKey: await identities.get(ssh.identity)!,
        hostKey: publicKeyBlob(ssh.hostKey),
        namespace: ssh.from,
      });
    // Through a hub's tunnel, which the hub's own step has just restarted: wait for it to be up.
    const deadline = Date.now() + (ssh.via ? TUNNEL_WAIT_MS : 0);
    for (;;) {
      const connected = await attempt();
      if (connected.ok || Date.now() >= deadline) return connected;
      await new Promise((done) => setTimeout(done, 500));
    }
  };
}

const emptyResult = (): ApplyLabResult => ({
  ok: false,
  errors: [],
  failures: [],
  ran: 0,
  skipped: 0,
  notReached: [],
  notExecutable: [],
  summary: [],
  interrupted: null,
  stale: null,
});

/** `apply --lab` under the lab lock: never while lab up or lab down of the environment runs. */
export async function applyLab(options: ApplyLabOptions): Promise<ApplyLabResult> {
  const lock = await lockLab(options.folder, options.environment, 'apply');
  if (!lock.ok) {
    const result = emptyResult();
    result.errors.push(lock.error);
    result.failures.push({ kind: 'incomplete', error: lock.error });
    return result;
  }
  try {
    return await applyLocked(options);
  } finally {
    await lock.release();
  }
}

/** Whether the lab was built from the files on disk; when only routers changed, apply brings it there. */
async function staleness(folder: string, environment: string, progress: Progress) {
  const state = await readState(folder);
  if (!state?.source) return { refuse: null, now: null };
  const now = await readLabSource(folder);
  const changes = sourceChanges(state.source, now);
  if (changes.length === 0) return { refuse: null, now };
  if (!applyRepairs(changes)) return { refuse: staleMessage(environment, changes), now };
  progress(
    `${staleMessage(environment, changes).split(';')[0]}; apply brings its routers to the files on disk`,
  );
  return { refuse: null, now };
}

// One loop over the phases; each phase is translated, then described (dry run) or run.
async function applyLocked(options: ApplyLabOptions): Promise<ApplyLabResult> {
  const { folder, progress, environment } = options;
  const result = emptyResult();
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
  const statePath = join(lab, APPLY_STATE);
  const loaded = await loadApplyState(statePath);
  if (!loaded.ok) {
    result.errors.push(loaded.error);
    result.failures.push({ kind: 'incomplete', error: loaded.error });
    return result;
  }
  const stale = await staleness(folder, environment, progress);
  if (stale.refuse) {
    result.stale = stale.refuse;
    result.errors.push(stale.refuse);
    result.failures.push({ kind: 'outdated', error: stale.refuse });
    return result;
  }
  const secrets = environmentPaths(state.secrets === 'lab' ? join(lab, 'keys') : folder).secrets;
  const publicFrom = state.secrets === 'lab' ? join(lab, 'keys') : folder;
  const { plan, network } = await labPlan(options, secrets, publicFrom);
  const connector = labConnector(inventory);
  const operator = state.access?.namespace ?? '';
  const completed = loaded.state;
  // One state write at a time: hosts restart their tunnels concurrently.
  let recording = Promise.resolve();
  const afterAction = async (_host: HostActions, action: { label: string }) => {
    if (!action.label.startsWith('restart openvpn')) return;
    recording = recording.then(() => recordTunnelPids(folder));
    await recording;
  };
  const phases = options.phase ? [options.phase] : [...PHASE_NAMES];
  for (const [at, phase] of phases.entries()) {
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
    const runHosts = (some: typeof hosts) =>
      runPhase({
        hosts: some,
        parallel,
        secrets,
        statePath,
        logPath: (host) => join(lab, 'logs', `apply-${host}.log`),
        progress,
        connect: connector,
        afterAction,
        ...(options.signal ? { signal: options.signal } : {}),
      });
    // Routers behind NAT go last, through their hub's tunnel once it is up again.
    const outcomes = await runHosts(hosts.filter((host) => !host.via));
    const behind = hosts.filter((host) => host.via);
    if (behind.length > 0 && !options.signal?.aborted) {
      const failedHubs = new Set(outcomes.filter((one) => one.failure).map((one) => one.host));
      const ready = behind.filter((host) => !failedHubs.has(host.via!));
      for (const host of behind.filter((one) => failedHubs.has(one.via!)))
        result.summary.push({
          phase,
          host: host.host,
          status: 'not-run',
          ran: 0,
          skipped: 0,
          reason: `its hub ${host.via} failed`,
        });
      progress(
        `[${phase}] behind NAT: ${ready.map((host) => `${host.host} through ${host.via}'s tunnel`).join(', ')}`,
      );
      outcomes.push(...(await runHosts(ready)));
    }
    record(result, phase, outcomes);
    if (phase === 'routers') await recordTunnelPids(folder);
    const stopped = options.signal?.aborted ? String(options.signal.reason) : null;
    if (result.errors.length > 0 || stopped) {
      result.interrupted = stopped;
      progress(`[${phase}] ${stopped ? `interrupted (${stopped})` : 'failed'}; later phases not run`);
      notStarted(
        result,
        phases.slice(at + 1),
        { plan, network, inventory },
        stopped ? `apply was interrupted (${stopped})` : `an earlier phase failed`,
      );
      return result;
    }
  }
  result.ok = true;
  if (
    !options.dryRun &&
    stale.now &&
    phases.includes('routers') &&
    result.summary.every((one) => one.status === 'ran' || one.status === 'done')
  )
    await recordSource(folder, stale.now, result);
  return result;
}

/** The hosts of phases that never started, as not run with the reason. */
function notStarted(
  result: ApplyLabResult,
  phases: PhaseName[],
  input: Parameters<typeof labActions>[1],
  why: string,
) {
  for (const phase of phases) {
    const translated = labActions(phase, input);
    if (!translated.ok) continue;
    for (const host of translated.hosts)
      result.summary.push({ phase, host: host.host, status: 'not-run', ran: 0, skipped: 0, reason: why });
  }
}

/** Every router configured: the lab counts as built from their files on disk now. */
async function recordSource(
  folder: string,
  now: Awaited<ReturnType<typeof readLabSource>>,
  result: ApplyLabResult,
) {
  const state = await readState(folder);
  if (!state?.source) return;
  const routers = result.summary.filter((one) => one.phase === 'routers').map((one) => one.host);
  state.source = appliedSource(state.source, now, routers);
  await writeState(folder, state);
}

function record(result: ApplyLabResult, phase: PhaseName, outcomes: HostOutcome[]): void {
  for (const outcome of outcomes) {
    result.ran += outcome.ran;
    result.skipped += outcome.skipped;
    if (outcome.error) result.errors.push(outcome.error);
    if (outcome.failure) result.failures.push(outcome.failure);
    if (outcome.unreachable)
      result.notReached.push({ phase, host: outcome.host, reason: outcome.unreachable });
    result.summary.push(hostSummary(phase, outcome, 'ran'));
  }
}

/**
 * One host's line of the summary. `checksOnly` is what a host whose only runs were checks (the
 * tunnel pings, the netplan try) counts as: `ran` in the lab, which reports its checks as work,
 * `checked` on real hosts, where a second apply must say that nothing changed.
 */
export function hostSummary(
  phase: PhaseName,
  outcome: HostOutcome,
  checksOnly: 'ran' | 'checked',
): HostSummary {
  const status: HostSummary['status'] = outcome.failure
    ? 'failed'
    : outcome.unreachable || outcome.interrupted || outcome.notRun
      ? 'not-run'
      : outcome.ran > outcome.checks
        ? 'ran'
        : outcome.ran > 0
          ? checksOnly
          : 'done';
  const reason =
    outcome.error ??
    outcome.notRun ??
    outcome.unreachable ??
    (outcome.interrupted ? `interrupted (${outcome.interrupted})` : null);
  return { phase, host: outcome.host, status, ran: outcome.ran, skipped: outcome.skipped, reason };
}

function describe(host: HostActions, completed: Record<string, string>, progress: Progress): void {
  if (host.unreachable) {
    progress(`  ${host.host}: would be skipped: ${host.unreachable}`);
    return;
  }
  progress(`  ${host.host} (ssh root@${host.address}):`);
  for (const action of host.actions)
    progress(
      `    ${action.id in completed && !('always' in action && action.always) ? 'done ' : 'would'} ${action.label}`,
    );
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
