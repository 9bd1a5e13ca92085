// `apply --lab`: the plan executed over real SSH into the lab's router namespaces, from the
// operator namespace. The I/O edge: reads the lab state and secrets, generates the Linux flavour
// the lab runs (the same conversion `lab up` uses), plans, translates (lab.ts), runs (run.ts).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { environmentPaths, listFiles } from '@geostage/environment';
import { generateLinuxRouters, generateNetplan } from '@geostage/gen-vyos';
import type { Model } from '@geostage/schema';
import { readPublicMaterial } from '@geostage/secrets';
import { labFolder, linuxFlavour, planLab, readState } from '../lab/index.ts';
import { isLabProcess } from '../lab/processes.ts';
import { hostKeyBlob } from '../lab/sshd.ts';
import { writeState } from '../lab/state.ts';
import { buildPlan, PHASE_NAMES, type PhaseName } from '../plan/index.ts';
import { connect } from '../ssh/transport.ts';
import type { HostActions } from './actions.ts';
import { labActions } from './lab.ts';
import { type HostOutcome, readApplyState, runPhase } from './run.ts';

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

export interface ApplyLabResult {
  ok: boolean;
  /** Why apply stopped, per failed host; empty when everything ran. */
  errors: string[];
  ran: number;
  skipped: number;
  /** Hosts not reached (behind NAT), per phase, with the reason. */
  notReached: { phase: PhaseName; host: string; reason: string }[];
  /** Phases the lab cannot execute, with the reason. */
  notExecutable: { phase: PhaseName; reason: string }[];
}

export const APPLY_STATE = 'apply-state.json';

export async function applyLab(options: ApplyLabOptions): Promise<ApplyLabResult> {
  const { folder, progress, environment } = options;
  const result: ApplyLabResult = {
    ok: false,
    errors: [],
    ran: 0,
    skipped: 0,
    notReached: [],
    notExecutable: [],
  };
  const state = await readState(folder);
  if (!state?.complete) {
    result.errors.push(`no lab of ${environment} is up; run geostage lab up ${environment}`);
    return result;
  }
  const access = state.access;
  if (!access) {
    result.errors.push(
      `the lab of ${environment} has no sshd (made by an older geostage); run geostage lab down ${environment} and lab up again`,
    );
    return result;
  }
  progress(
    `apply ${environment} in the lab${options.dryRun ? ' (dry run: nothing is touched)' : ''}: routers run the Linux flavour (VyOS cannot run in a namespace)`,
  );
  const lab = labFolder(folder);
  const secrets = environmentPaths(state.secrets === 'lab' ? join(lab, 'keys') : folder).secrets;
  const publicFrom = state.secrets === 'lab' ? join(lab, 'keys') : folder;

  const flavour = linuxFlavour(options.model);
  for (const { router, was } of flavour.converted)
    progress(
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
  const planned = planLab({
    model: flavour.model,
    files: [...linux.files, ...generateNetplan(options.model)],
    prefix: state.prefix,
    folder: lab,
  });
  if (!planned.ok) {
    result.errors.push(...planned.errors);
    return result;
  }

  const identity = await readFile(join(lab, access.identity));
  const hostKeys = new Map(
    await Promise.all(access.sshd.map(async (sshd) => [sshd.router, await hostKeyBlob(lab, sshd)] as const)),
  );
  const statePath = join(lab, APPLY_STATE);
  const completed = await readApplyState(statePath);
  const phases = options.phase ? [options.phase] : [...PHASE_NAMES];
  for (const phase of phases) {
    const translated = labActions(phase, { plan, lab: planned.plan, state, folder: lab });
    if (!translated.ok) {
      result.notExecutable.push({ phase, reason: translated.reason });
      progress(`[${phase}] not executable in the lab: ${translated.reason}; skipped`);
      continue;
    }
    const { hosts, parallel } = translated;
    progress(`[${phase}] ${hosts.length} hosts, ${parallel} at a time, over SSH from ${access.namespace}`);
    if (options.dryRun) {
      for (const host of hosts) describe(host, completed.completed, progress);
      continue;
    }
    const outcomes: HostOutcome[] = await runPhase({
      hosts,
      parallel,
      secrets,
      statePath,
      logPath: (host) => join(lab, 'logs', `apply-${host}.log`),
      progress,
      connect: async (host) => {
        const hostKey = hostKeys.get(host.host);
        if (!hostKey) return { ok: false, error: `${host.host}: no sshd in the lab` };
        return connect({
          host: host.host,
          address: host.address,
          user: access.user,
          privateKey: identity,
          hostKey,
          namespace: access.namespace,
        });
      },
    });
    for (const outcome of outcomes) {
      result.ran += outcome.ran;
      result.skipped += outcome.skipped;
      if (outcome.error) result.errors.push(outcome.error);
      if (outcome.unreachable)
        result.notReached.push({ phase, host: outcome.host, reason: outcome.unreachable });
    }
    if (phase === 'routers') await recordTunnelPids(folder);
    if (result.errors.length > 0) {
      progress(`[${phase}] failed; later phases not run`);
      return result;
    }
  }
  result.ok = true;
  return result;
}

function describe(
  host: HostActions,
  completed: Record<string, string>,
  progress: (line: string) => void,
): void {
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
