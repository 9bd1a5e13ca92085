// `apply <env> --inventory FILE` (or environments/<env>/inventory.yaml): the plan executed on real
// hosts over SSH, every phase, in named steps: read the inventory and the host keys, plan (with
// the routers the inventory says run the Linux rendering rendered so), make the kubeadm token and
// certificate key when absent, translate each phase for real hosts (targets/hosts.ts), run it
// (execute/runner.ts) with the hosts that failed, and those reached through them, left out of
// the later phases. Nothing here knows the lab: a booted lab machine is a host like any other.
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import {
  environmentPaths,
  type HostInventory,
  listFiles,
  readGeneratedFolder,
  readHostInventory,
} from '@geostage/environment';
import { generateLinuxRouters, linuxRendering } from '@geostage/gen-vyos';
import { type Diagnostic, type FileSet, type HostAccess, jumpChain, type Model } from '@geostage/schema';
import { ensureKubeadmSecrets, readPublicMaterial } from '@geostage/secrets';
import {
  connect,
  isTransient,
  publicKeyBlob,
  type Result,
  type Session,
  type SshTarget,
} from '@geostage/transport';
import type { HostActions } from '../execute/actions.ts';
import { type HostOutcome, loadApplyState, type RuntimeFailure, runPhase } from '../execute/runner.ts';
import { buildPlan, PHASE_NAMES, type PhaseName, type Plan } from '../plan/index.ts';
import { hostActions } from '../targets/hosts.ts';
import { type HostSummary, hostSummary } from './apply.ts';

export interface ApplyHostsOptions {
  environment: string;
  /** Absolute path of environments/<name>. */
  folder: string;
  model: Model;
  /** The inventory file; environments/<env>/inventory.yaml when left out (missing: the topology's defaults). */
  inventory?: string;
  phase?: PhaseName;
  dryRun: boolean;
  /** Hosts at once (default: the plan's, 8). */
  parallel?: number;
  progress(line: string): void;
  /** Aborted (SIGINT, SIGTERM): no further step starts; the steps under way finish. */
  signal?: AbortSignal;
  /** How often a transient connection failure (refused, reset, timeout) is retried (default 4). */
  retries?: number;
}

export type ApplyHostsFailure =
  | { kind: 'inventory' | 'known-hosts' | 'secrets' | 'state'; error: string }
  | RuntimeFailure;

export interface ApplyHostsResult {
  ok: boolean;
  errors: string[];
  failures: ApplyHostsFailure[];
  /** Problems and warnings of the inventory, file:line. */
  diagnostics: Diagnostic[];
  ran: number;
  skipped: number;
  summary: HostSummary[];
  interrupted: string | null;
  /** Where the resume state and the logs are. */
  stateFolder: string | null;
}

/** The resume state and logs of an inventory: `.apply/` beside it, one state per environment. */
export function hostsStateFolder(inventoryFile: string, environment: string): string {
  return join(dirname(inventoryFile), '.apply', environment);
}

/** known_hosts keyed by the geostage host name: `vyos01 ssh-ed25519 AAAA...`. */
async function readKnownHosts(path: string): Promise<Map<string, Buffer>> {
  const text = await readFile(path, 'utf8').catch(() => '');
  const keys = new Map<string, Buffer>();
  for (const line of text.split('\n')) {
    const words = line.trim().split(/\s+/);
    if (words.length < 3 || words[0]!.startsWith('#')) continue;
    for (const name of words[0]!.split(',')) keys.set(name, publicKeyBlob(words.slice(1).join(' ')));
  }
  return keys;
}

/**
 * Connects to a host as the inventory says: through its jump chain, with the key of each host
 * checked against known_hosts; a host without a known key is refused before any byte is sent.
 */
function hostsConnector(
  inventory: HostInventory,
  keys: ReadonlyMap<string, Buffer>,
  retries: number,
  progress: (line: string) => void,
): (host: HostActions) => Promise<Result<Session>> {
  const identities = new Map<string, Promise<Buffer>>();
  const identity = (access: HostAccess) => {
    if (!access.identity) return undefined;
    if (!identities.has(access.identity)) identities.set(access.identity, readFile(access.identity));
    return identities.get(access.identity);
  };
  const target = async (access: HostAccess): Promise<Omit<SshTarget, 'jumps'> | string> => {
    const hostKey = keys.get(access.name);
    if (!hostKey)
      return `${access.name}: no host key in ${inventory.knownHostsPath}; run geostage hosts scan to record it after checking its fingerprint`;
    const privateKey = await identity(access)?.catch(() => null);
    if (access.identity && !privateKey) return `${access.name}: cannot read the key ${access.identity}`;
    const agent = access.agent ? process.env.SSH_AUTH_SOCK : undefined;
    if (access.agent && !agent) return `${access.name}: agent: true but SSH_AUTH_SOCK is not set`;
    return {
      host: access.name,
      address: access.address,
      port: access.port,
      user: access.user,
      hostKey,
      namespace: access.namespace,
      ...(privateKey ? { privateKey } : {}),
      ...(agent ? { agent } : {}),
    };
  };
  const byName = new Map(inventory.hosts.map((access) => [access.name, access]));
  return async (host) => {
    const access = byName.get(host.host);
    if (!access) return { ok: false, error: `${host.host}: not in the inventory` };
    const chain = [...jumpChain(inventory, access.name), access];
    const targets = [];
    for (const one of chain) {
      const made = await target(one);
      if (typeof made === 'string') return { ok: false, error: made };
      targets.push(made);
    }
    const final = targets.pop()!;
    for (let attempt = 0; ; attempt += 1) {
      const connected = await connect({ ...final, jumps: targets });
      // Transient (refused, reset, timeout: the host is booting, a link flapped): worth another try.
      if (connected.ok || attempt >= retries || !isTransient(connected)) return connected;
      const pause = 1000 * 2 ** attempt;
      progress(`  ${host.host}: ${connected.error.split('\n')[0]}; trying again in ${pause / 1000} s`);
      await new Promise((done) => setTimeout(done, pause));
    }
  };
}

/** The network files the plan uploads: those on disk, with routers the inventory says run Linux rendered so. */
async function networkFiles(
  options: ApplyHostsOptions,
  inventory: HostInventory,
): Promise<{ model: Model; network: FileSet }> {
  const paths = environmentPaths(options.folder);
  const onDisk = await readGeneratedFolder(paths.generated.network);
  const asLinux = new Set(
    inventory.hosts
      .filter((host) => host.kind === 'router' && host.platform === 'linux')
      .map((host) => host.name),
  );
  const rendering = linuxRendering(options.model, asLinux);
  if (rendering.converted.length === 0) return { model: options.model, network: onDisk };
  for (const { router, was } of rendering.converted)
    options.progress(
      `${router}: the topology says ${was}; the inventory says it runs the Linux rendering, so apply uploads Linux router files`,
    );
  const linux = generateLinuxRouters(rendering.model, await readPublicMaterial(paths.public));
  const converted = rendering.converted.map(({ router }) => `routers/${router}/`);
  const ours = (path: string) => converted.some((prefix) => path.startsWith(prefix));
  return {
    model: rendering.model,
    network: [...onDisk.filter((file) => !ours(file.path)), ...linux.files.filter((file) => ours(file.path))],
  };
}

const KUBEADM_PHASES: readonly PhaseName[] = ['first-control-plane', 'other-control-planes', 'workers'];

function emptyResult(): ApplyHostsResult {
  return {
    ok: false,
    errors: [],
    failures: [],
    diagnostics: [],
    ran: 0,
    skipped: 0,
    summary: [],
    interrupted: null,
    stateFolder: null,
  };
}

function fail(
  result: ApplyHostsResult,
  kind: 'inventory' | 'known-hosts' | 'secrets' | 'state',
  error: string,
) {
  result.errors.push(error);
  result.failures.push({ kind, error });
  return result;
}

// One loop over the phases, like apply --lab's: translate, then describe (dry run) or run.
export async function applyHosts(options: ApplyHostsOptions): Promise<ApplyHostsResult> {
  const { environment, progress } = options;
  const result = emptyResult();
  const paths = environmentPaths(options.folder);
  const inventoryFile = options.inventory ?? paths.inventory;
  const read = await readHostInventory(inventoryFile, options.model, {
    missingIsDefault: options.inventory === undefined,
  });
  result.diagnostics = read.diagnostics;
  if (!read.ok) return fail(result, 'inventory', read.error);
  const inventory = read.inventory;
  const keys = await readKnownHosts(inventory.knownHostsPath);
  const stateFolder = hostsStateFolder(inventoryFile, environment);
  result.stateFolder = stateFolder;
  const statePath = join(stateFolder, 'state.json');
  const loaded = await loadApplyState(statePath);
  if (!loaded.ok) return fail(result, 'state', loaded.error);

  const phases = options.phase ? [options.phase] : [...PHASE_NAMES];
  if (!options.dryRun && options.model.kubernetes && phases.some((phase) => KUBEADM_PHASES.includes(phase))) {
    const made = await ensureKubeadmSecrets(paths.secrets);
    if (!made.ok) return fail(result, 'secrets', made.error);
    if (made.created.length > 0) progress(`made ${made.created.join(', ')} in ${paths.secrets} (0600)`);
  }
  const { model, network } = await networkFiles(options, inventory);
  const [cluster, secretNames, publicNames] = await Promise.all([
    readGeneratedFolder(paths.generated.cluster),
    listFiles(paths.secrets),
    listFiles(paths.public),
  ]);
  const plan = buildPlan({
    model,
    network,
    cluster,
    secrets: secretNames,
    publicFiles: publicNames,
    ...(options.parallel ? { parallel: options.parallel } : {}),
  });
  const publicFiles = new Map(
    await Promise.all(
      publicNames.map(
        async (name) => [name, await readFile(join(paths.public, name), 'utf8')] as [string, string],
      ),
    ),
  );
  const input = {
    plan,
    network,
    cluster,
    publicFiles,
    inventory: { hosts: new Map(inventory.hosts.map((host) => [host.name, host])) },
    kubernetesVersion: model.kubernetes?.version ?? null,
  };
  progress(
    `apply ${environment} to ${inventory.hosts.length} hosts (${inventory.file ?? "the topology's defaults"})${options.dryRun ? ' (dry run: nothing is touched)' : ''}`,
  );
  const connector = hostsConnector(inventory, keys, options.retries ?? 4, progress);
  const down = new Map<string, string>();
  for (const phase of phases) {
    const translated = hostActions(phase, input);
    if (!translated.ok) return fail(result, 'inventory', `[${phase}] ${translated.reason}`);
    for (const skipped of translated.skipped) progress(`[${phase}] not a host step: ${skipped}`);
    const runnable: HostActions[] = [];
    for (const host of translated.hosts) {
      const blocked = blockedBy(host, inventory, down, plan, phase);
      if (blocked) {
        result.summary.push({
          phase,
          host: host.host,
          status: 'not-run',
          ran: 0,
          skipped: 0,
          reason: blocked,
        });
        progress(`[${phase}] ${host.host}: NOT RUN: ${blocked}`);
      } else runnable.push(host);
    }
    if (runnable.length === 0) continue;
    progress(`[${phase}] ${runnable.length} hosts, ${translated.parallel} at a time`);
    if (options.dryRun) {
      for (const host of runnable) describe(host, loaded.state.completed, progress);
      continue;
    }
    const outcomes = await runPhase({
      hosts: runnable,
      parallel: translated.parallel,
      secrets: paths.secrets,
      statePath,
      logPath: (host) => join(stateFolder, 'logs', `${host}.log`),
      progress,
      connect: connector,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    for (const outcome of outcomes) {
      record(result, phase, outcome);
      const reason = outcome.error ?? outcome.notRun ?? outcome.unreachable;
      if (reason) down.set(outcome.host, `${phase}: ${reason.split('\n')[0]}`);
    }
    if (options.signal?.aborted) {
      result.interrupted = String(options.signal.reason);
      progress(`[${phase}] interrupted (${result.interrupted}); later phases not run`);
      return result;
    }
  }
  result.ok = result.failures.length === 0;
  return result;
}

/**
 * Why a host's phase cannot run because of an earlier one: the host itself, or a host it is
 * reached through, did not finish; a kubeadm or kubectl phase also needs the first control plane.
 */
function blockedBy(
  host: HostActions,
  inventory: HostInventory,
  down: ReadonlyMap<string, string>,
  plan: Plan,
  phase: PhaseName,
): string | null {
  if (down.has(host.host)) return `it did not finish ${down.get(host.host)}`;
  for (const jump of jumpChain(inventory, host.host))
    if (down.has(jump.name))
      return `it is reached through ${jump.name}, which did not finish ${down.get(jump.name)}`;
  const first = plan.phases.find((one) => one.name === 'first-control-plane')?.steps[0]?.host;
  const needsFirst = PHASE_NAMES.indexOf(phase) > PHASE_NAMES.indexOf('first-control-plane');
  if (needsFirst && first && first !== host.host && down.has(first))
    return `the first control plane ${first} did not finish ${down.get(first)}`;
  return null;
}

function record(result: ApplyHostsResult, phase: PhaseName, outcome: HostOutcome): void {
  result.ran += outcome.ran;
  result.skipped += outcome.skipped;
  if (outcome.error) result.errors.push(outcome.error);
  if (outcome.failure) result.failures.push(outcome.failure);
  result.summary.push(hostSummary(phase, outcome, 'checked'));
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
  progress(`  ${host.host} (${host.address}):`);
  for (const action of host.actions)
    progress(
      `    ${action.id in completed && !('always' in action && action.always) ? 'done ' : 'would'} ${action.label}`,
    );
}
