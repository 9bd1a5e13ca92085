// `lab up`: the environment on this machine, in network namespaces. Loads nothing itself (the
// CLI passes the Model); decides secrets, generates the Linux flavour, wires (wiring/), then
// builds it in named steps, recording every namespace and pid in the state file as it is made,
// and publishes the inventory (inventory.ts) when done. A failure rolls back what was made so
// far; a lab that is already up is left as it is.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { environmentPaths, repositoryEnvironment } from '@geostage/environment';
import { generateLinuxRouters, generateNetplan } from '@geostage/gen-vyos';
import type { Model } from '@geostage/schema';
import { assertNoPlaceholders, fillSecrets, readPublicMaterial, secretsInit } from '@geostage/secrets';
import { listNamespaces, namespaceSupport, run } from '@geostage/transport';
import pMap from 'p-map';
import { type LabAccess, planAccess, SSH_USER } from './access.ts';
import { batchLine, failedLine, type NamespaceBatch, planBatches } from './batch.ts';
import { readLabSource, topologyOnly } from './digest.ts';
import { removeLab } from './down.ts';
import { type Converted, linuxFlavour } from './flavour.ts';
import { labInventory } from './inventory.ts';
import { lockLab } from './lock.ts';
import { processFolders, startTunnel, waitForTunnels } from './machines/bare.ts';
import {
  cgroupParents,
  hostPublicKey,
  machineCgroups,
  makeHostKeys,
  planMachines,
  startMachine,
  waitForMachines,
} from './machines/booted.ts';
import { ensureImage } from './machines/image.ts';
import { inotifyShortfall, inotifyUse } from './machines/inotify.ts';
import {
  knownHostsText,
  machinesInventory,
  renderMachinesInventory,
  writeMachinesInventory,
} from './machines/inventory.ts';
import { labPrefix, namespaceName } from './names.ts';
import { repairLab } from './repair.ts';
import { hostKeyLine, makeOperatorKey, makeSshFiles, startSshd } from './sshd.ts';
import {
  type LabProcess,
  type LabSshAccess,
  type LabState,
  labFolder,
  loadState,
  STATE_FORMAT,
  STATE_VERSION,
  writeState,
} from './state.ts';
import { labHealth } from './status.ts';
import { emulateWan, type LabWanState, wantsEmulation } from './wan/lab.ts';
import { labWiring, type Wiring } from './wiring/wiring.ts';

export interface LabUpOptions {
  /** The environment's name (environments/<name>). */
  environment: string;
  /** Absolute path of environments/<name>. */
  folder: string;
  /** The Model resolved from the environment's topology, as written (the lab converts its routers). */
  model: Model;
  progress(line: string): void;
  /** How long the tunnels may take to come up (default 30 s). */
  tunnelTimeoutMs?: number;
  /** 'off' builds the lab without the WAN emulation the topology asks for (to compare). */
  wan?: 'topology' | 'off';
  /** Aborted (the CLI does so on SIGINT and SIGTERM): lab up stops and rolls back what it made. */
  signal?: AbortSignal;
  /**
   * Every router and server as a booted Debian machine (machines/booted.ts), provisioned only as
   * a site admin has it before geostage, for `geostage apply --inventory .lab/inventory.yaml`.
   */
  machines?: boolean;
  /** How long the machines may take until every sshd answers (default 60 s). */
  machineTimeoutMs?: number;
  /** Where the machine image is cached (default /var/cache/geostage/images). */
  imageCache?: string;
}

export type LabUpResult =
  | { ok: true; state: LabState; alreadyUp: boolean; warnings: string[]; repaired: string[] }
  | { ok: false; error: string; interrupted?: string };

class LabFailure extends Error {}

/** The build was aborted: the reason is the signal's name. */
class Interrupted extends Error {}

function checkpoint(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new Interrupted(String(signal.reason ?? 'aborted'));
}

/** The signal of the lab being built, by its state: every step records through `record`, so every step stops there. */
const signals = new WeakMap<LabState, AbortSignal>();

/** Writes the state, first stopping the build when it was aborted (what is made is recorded, so rollback finds it). */
async function record(folder: string, state: LabState): Promise<void> {
  checkpoint(signals.get(state));
  await writeState(folder, state);
}

/** Writes of the state one after another, however many steps record at once (the last write has everything). */
const writing = new WeakMap<LabState, Promise<void>>();
function recordInTurn(folder: string, state: LabState): Promise<void> {
  const next = (writing.get(state) ?? Promise.resolve()).then(() => record(folder, state));
  writing.set(
    state,
    next.catch(() => {}),
  );
  return next;
}

/** Rejects once `signal` is aborted (never, without one): raced against a long wait. */
function whenAborted(signal: AbortSignal | undefined): Promise<never> {
  return new Promise((_, reject) => {
    if (!signal) return;
    if (signal.aborted) reject(new Interrupted(String(signal.reason)));
    signal.addEventListener('abort', () => reject(new Interrupted(String(signal.reason))), { once: true });
  });
}

type Progress = (line: string) => void;

/** A lab that is already here: reused when it is complete and healthy, repaired or refused otherwise; null when there is none. */
async function existingLab(options: LabUpOptions, prefix: string): Promise<LabUpResult | null> {
  const { environment, folder, progress } = options;
  const read = await loadState(folder, environment);
  if (read.kind === 'corrupt') return { ok: false, error: read.error };
  if (read.kind === 'state') {
    const existing = read.state;
    const wanted = options.machines === true;
    if ((existing.mode === 'machines') !== wanted)
      return {
        ok: false,
        error: `a lab of ${environment} is already up ${existing.mode === 'machines' ? 'with booted machines (lab up --machines)' : 'in namespaces (lab up without --machines)'}; run geostage lab down ${environment} first`,
      };
    const health = await labHealth(existing);
    if (existing.complete && health.healthy) {
      progress(
        `a lab of ${environment} is already up (${existing.namespaces.length} namespaces); nothing to do`,
      );
      return { ok: true, state: existing, alreadyUp: true, warnings: [], repaired: [] };
    }
    if (existing.complete && existing.mode === 'machines') {
      return {
        ok: false,
        error: `the machines lab of ${environment} is damaged (${health.problems.join('; ')}); run geostage lab down ${environment} and lab up ${environment} --machines`,
      };
    }
    if (existing.complete) {
      const repaired = await repairLab(existing, health, progress);
      if (repaired.ok) {
        await writeState(folder, existing);
        return { ok: true, state: existing, alreadyUp: true, warnings: [], repaired: repaired.repaired };
      }
      return {
        ok: false,
        error: `the lab of ${environment} is damaged beyond repair (${repaired.error}); run geostage lab down ${environment} first`,
      };
    }
    return {
      ok: false,
      error: `a lab of ${environment} is already here but did not finish (${health.problems.join('; ')}); run geostage lab down ${environment} first`,
    };
  }
  const strays = (await listNamespaces()).filter((name) => name.startsWith(prefix));
  if (strays.length > 0) {
    return {
      ok: false,
      error: `namespaces with this environment's prefix exist but no lab state records them: ${strays.join(', ')}; geostage lab down ${environment} removes them`,
    };
  }
  return null;
}

async function secretsFor(
  options: LabUpOptions,
  lab: string,
): Promise<{ kind: LabState['secrets']; secrets: string; publicFrom: string }> {
  const own = environmentPaths(options.folder).secrets;
  if (existsSync(own)) return { kind: 'environment', secrets: own, publicFrom: options.folder };
  // Lab-only secrets: never written into the environment, gone with `lab down`.
  const keys = join(lab, 'keys');
  const made = await secretsInit(environmentPaths(keys), options.model);
  if (!made.ok) throw new LabFailure(`lab-only secrets: ${made.error}`);
  return { kind: 'lab', secrets: environmentPaths(keys).secrets, publicFrom: keys };
}

/** Secrets decided, the Linux flavour generated and wired: everything lab up builds, as data. */
async function wire(
  options: LabUpOptions,
  model: Model,
  lab: string,
  prefix: string,
): Promise<{ kind: LabState['secrets']; secrets: string | null; wiring: Wiring; warnings: string[] }> {
  const { environment, progress } = options;
  if (options.machines) {
    // Booted machines get nothing generated from the lab: apply brings every file, with the
    // environment's own secrets. The router files are read here only for their LAN links.
    const wired = labWiring({
      model,
      files: [...generateLinuxRouters(model).files, ...generateNetplan(options.model)],
      prefix,
      folder: lab,
      provision: 'installer',
    });
    if (!wired.ok) throw new LabFailure(wired.errors.join('\n'));
    return { kind: 'none', secrets: null, wiring: wired.wiring, warnings: [] };
  }
  const secrets = await secretsFor(options, lab);
  progress(
    secrets.kind === 'environment'
      ? `secrets: ${repositoryEnvironment('', environment).secrets}`
      : `secrets: lab-only keys in ${environment}/.lab/keys (the environment has no secrets/; they go with lab down)`,
  );
  const material = await readPublicMaterial(environmentPaths(secrets.publicFrom).public);
  const linux = generateLinuxRouters(model, material);
  const missing = linux.warnings.filter((warning) => warning.includes('secrets init'));
  if (missing.length > 0) throw new LabFailure(missing.join('\n'));
  const wired = labWiring({
    model,
    files: [...linux.files, ...generateNetplan(options.model)],
    prefix,
    folder: lab,
  });
  if (!wired.ok) throw new LabFailure(wired.errors.join('\n'));
  return { kind: secrets.kind, secrets: secrets.secrets, wiring: wired.wiring, warnings: linux.warnings };
}

function newState(
  options: LabUpOptions,
  prefix: string,
  secrets: LabState['secrets'],
  converted: Converted[],
  wiring: Wiring,
): LabState {
  return {
    format: STATE_FORMAT,
    version: STATE_VERSION,
    environment: options.environment,
    folder: options.folder,
    prefix,
    startedAt: new Date().toISOString(),
    complete: false,
    secrets,
    converted,
    namespaces: [],
    processes: [],
    routers: wiring.routers,
    servers: wiring.servers,
  };
}

/** The wiring's files, secrets filled (when the lab has secrets), under the lab folder. */
async function install(wiring: Wiring, lab: string, secrets: string | null): Promise<void> {
  for (const file of wiring.files) {
    const filled = secrets
      ? await fillSecrets(file.content, secrets)
      : { ok: true as const, content: file.content };
    if (!filled.ok)
      throw new LabFailure(`${file.path}: missing secrets ${filled.missing.join(', ')} in ${secrets}`);
    const check = assertNoPlaceholders(filled.content);
    if (!check.ok) throw new LabFailure(`${file.path}: unfilled ${check.placeholders.join(', ')}`);
    const target = join(lab, file.path);
    await mkdir(dirname(target), { recursive: true, mode: 0o700 });
    await writeFile(target, filled.content, { mode: file.mode });
    await chmod(target, file.mode);
  }
}

/** `ip` with `lines` on its standard input (`-batch -`); a failure names the line that failed. */
function ipBatch(args: readonly string[], lines: readonly string[]): Promise<void> {
  return new Promise((done, fail) => {
    const child = execFile('ip', [...args, '-batch', '-'], { encoding: 'utf8' }, (error, _stdout, stderr) => {
      if (error) fail(Object.assign(new Error(stderr.trim() || error.message), { stderr }));
      else done();
    });
    // An ip killed before it read its input (Ctrl-C reaches the whole process group) makes the
    // write fail with EPIPE: its exit, reported above, is the failure to tell, not the write.
    child.stdin!.on('error', () => {});
    child.stdin!.end(`${lines.join('\n')}\n`);
  });
}

/** One namespace's batch, then the programs run inside it. */
async function runBatch(batch: NamespaceBatch, afterToo: boolean): Promise<void> {
  if (batch.lines.length > 0) {
    try {
      await ipBatch(['-n', batch.namespace], batch.lines.map(batchLine));
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr ?? '';
      const line = failedLine(batch, stderr);
      throw new Error(`${line ?? `ip -n ${batch.namespace} -batch`}: ${(error as Error).message}`);
    }
  }
  if (afterToo) for (const [command, ...args] of batch.after) await run(command!, args);
}

/** Namespaces at once: on two cores a few processes in flight hide each one's start-up. */
const AT_ONCE = 4;

/**
 * Every namespace, recorded (all of them, before any exists: an interruption in between leaves
 * names lab down skips, never a leak), then made by one `ip -batch`. Their lo is set up with
 * the first batch of commands each gets (connectAll); the set says which are still down.
 */
async function createNamespaces(
  wiring: Wiring,
  state: LabState,
  folder: string,
  progress: Progress,
): Promise<Set<string>> {
  progress(`namespaces: ${wiring.namespaces.length} (${wiring.prefix}*)`);
  state.namespaces.push(...wiring.namespaces);
  await record(folder, state);
  await ipBatch(
    [],
    wiring.namespaces.map((namespace) => `netns add ${namespace.name}`),
  ).catch((error: Error) => {
    throw new Error(`ip -batch (netns add): ${error.message}`);
  });
  return new Set(wiring.namespaces.map((namespace) => namespace.name));
}

/**
 * The wiring's commands, group by group, one progress line each: in each group every `link add`
 * first, then each namespace's other commands, a few namespaces at once (batch.ts).
 */
async function connectAll(
  wiring: Wiring,
  loopbackDown: Set<string>,
  progress: Progress,
  signal?: AbortSignal,
): Promise<void> {
  for (const group of wiring.groups) {
    checkpoint(signal);
    progress(group.title);
    const plan = planBatches(group.commands, loopbackDown);
    await pMap(plan.links, (batch) => runBatch(batch, false), { concurrency: AT_ONCE });
    await pMap(plan.rest, (batch) => runBatch(batch, true), { concurrency: AT_ONCE });
    for (const [command, ...args] of plan.other) await run(command!, args);
  }
  // A namespace no command went into still gets its loopback.
  await pMap([...loopbackDown], (namespace) => run('ip', ['-n', namespace, 'link', 'set', 'lo', 'up']), {
    concurrency: AT_ONCE,
  });
  loopbackDown.clear();
}

/**
 * The WAN between the routers: wires carrying the Model's values when the topology asks for
 * emulation (wan/lab.ts), before any tunnel starts so that even the handshakes cross the
 * distance; recorded in the state as it is made.
 */
async function labWan(
  options: LabUpOptions,
  model: Model,
  wiring: Wiring,
  state: LabState,
  lab: string,
  progress: Progress,
): Promise<LabWanState> {
  const underlay = namespaceName(wiring.prefix, 'underlay', '');
  if (!wantsEmulation(model))
    return {
      mode: 'none',
      mechanism: null,
      why: 'the topology asks for no WAN emulation',
      underlay,
      wires: [],
    };
  if (options.wan === 'off') {
    progress('WAN: emulation off (lab up --no-wan): the sites are as near as this machine makes them');
    return { mode: 'off', mechanism: null, why: 'lab up --no-wan', underlay, wires: [] };
  }
  return emulateWan({
    model,
    routers: wiring.routers,
    underlay,
    prefix: wiring.prefix,
    lab,
    progress,
    record: async (update) => {
      if (update.namespace) state.namespaces.push({ ...update.namespace, role: 'wire' });
      if (update.wan) state.wan = update.wan;
      await record(options.folder, state);
    },
  });
}

/** Every tunnel end's openvpn (machines/bare.ts), each pid recorded, then every tunnel up. */
async function startTunnels(
  wiring: Wiring,
  lab: string,
  state: LabState,
  folder: string,
  timeoutMs: number,
  progress: Progress,
): Promise<void> {
  const started = Date.now();
  await processFolders(lab);
  // A few at once: each start waits for its pid file, most of that time idle.
  // Recorded in the wiring's order whatever order they start in, so the state is the same each run.
  const order = new Map(
    wiring.tunnels.map((tunnel, index) => [`${tunnel.router} ${tunnel.interface}`, index]),
  );
  const rank = (process: LabProcess) => order.get(`${process.router} ${process.interface}`) ?? -1;
  await pMap(
    wiring.tunnels,
    async (tunnel) => {
      state.processes.push(await startTunnel(lab, tunnel));
      state.processes.sort((x, y) => rank(x) - rank(y));
      await recordInTurn(folder, state);
    },
    { concurrency: 8 },
  );
  const count = wiring.tunnels.length;
  progress(`tunnels: ${count} openvpn processes started, waiting for ${count / 2} tunnels`);
  const signal = signals.get(state);
  await Promise.race([waitForTunnels(lab, wiring.tunnels, timeoutMs, signal), whenAborted(signal)]);
  checkpoint(signal);
  progress(`tunnels: ${count / 2} up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/**
 * The operator namespace on the underlay, for both labs: planned, recorded in the state before
 * it exists (a failure from here on still removes it; it is kept apart from `namespaces`, the
 * environment itself, as the operator is not part of the topology), made, and wired.
 */
async function operatorNamespace(
  model: Model,
  wiring: Wiring,
  state: LabState,
  folder: string,
  machines: boolean,
  announce: (access: LabAccess) => void,
): Promise<{ access: LabAccess; recorded: LabSshAccess }> {
  const gateways = new Map(model.sites.map((site) => [site.router.name, site.router.wan.gateway ?? null]));
  const planned = planAccess(
    wiring.prefix,
    wiring.routers.map((router) => ({ ...router, gateway: gateways.get(router.name) ?? null })),
    machines,
  );
  if (!planned.ok) throw new LabFailure(`operator: ${planned.error}`);
  const { access } = planned;
  const recorded: LabSshAccess = {
    namespace: access.namespace,
    addresses: access.addresses,
    user: SSH_USER,
    identity: access.identity,
    sshd: [],
  };
  state.access = recorded;
  await record(folder, state);
  await run('ip', ['netns', 'add', access.namespace]);
  await run('ip', ['-n', access.namespace, 'link', 'set', 'lo', 'up']);
  announce(access);
  for (const [command, ...args] of access.group.commands) await run(command!, args);
  return { access, recorded };
}

/** The operator namespace on the underlay and an sshd in every router namespace, for apply. */
async function sshAccess(
  model: Model,
  wiring: Wiring,
  lab: string,
  state: LabState,
  folder: string,
  progress: Progress,
): Promise<Map<string, string>> {
  const { access, recorded } = await operatorNamespace(model, wiring, state, folder, false, (planned) =>
    progress(planned.group.title),
  );
  await makeSshFiles(lab, access);
  const keys = new Map<string, string>();
  // A few at once: each waits for its sshd to say it listens. Recorded in the planned order
  // whatever order they start in, so the state and known_hosts are the same each run.
  const order = new Map(access.sshd.map((sshd, index) => [sshd.router, index]));
  await pMap(
    access.sshd,
    async (sshd) => {
      const pid = await startSshd(lab, sshd);
      recorded.sshd.push({ ...sshd, pid });
      recorded.sshd.sort((x, y) => (order.get(x.router) ?? -1) - (order.get(y.router) ?? -1));
      keys.set(sshd.router, await hostKeyLine(lab, sshd));
      await recordInTurn(folder, state);
    },
    { concurrency: 8 },
  );
  const hostKeys = new Map(access.sshd.map((sshd) => [sshd.router, keys.get(sshd.router)!] as const));
  progress(
    `sshd: ${access.sshd.length} listening (${access.sshd.map((sshd) => `${sshd.router} ${sshd.address}:22`).join(', ')})`,
  );
  return hostKeys;
}

/**
 * Booted machines: the operator namespace and its key, a host key per machine, then every
 * machine started (each recorded before it starts, its pid as soon as it exists), then every
 * sshd answering where apply connects from, then inventory.yaml and known_hosts for apply.
 */
async function bootMachines(
  options: LabUpOptions,
  model: Model,
  wiring: Wiring,
  lab: string,
  image: string,
  state: LabState,
  progress: Progress,
): Promise<void> {
  const { folder, signal } = options;
  const { access, recorded } = await operatorNamespace(model, wiring, state, folder, true, (planned) =>
    progress(`operator ${planned.namespace}: on the underlay at ${planned.addresses.join(', ')}`),
  );
  await makeOperatorKey(lab, access);

  const machines = planMachines(wiring, access);
  const parents = cgroupParents();
  for (const machine of machines) machine.cgroups = machineCgroups(parents, machine);
  await makeHostKeys(lab, machines);
  state.machines = machines;
  await record(folder, state);
  await processFolders(lab);
  const started = Date.now();
  progress(
    `machines: booting ${machines.length} (${wiring.routers.length} routers, ${wiring.servers.length} servers) from ${image}, each with an overlay of its own`,
  );
  for (const machine of machines) {
    machine.pid = startMachine(lab, machine, image, access.authorizedKeys);
    // Written before anything else can stop the build: the pid is in the state from here on.
    await writeState(folder, state);
    checkpoint(signal);
  }
  await Promise.race([
    waitForMachines(lab, machines, options.machineTimeoutMs ?? 60_000, progress, signal),
    whenAborted(signal),
  ]);
  checkpoint(signal);
  progress(
    `machines: ${machines.length} booted, every sshd answering, in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );

  const keys = await Promise.all(
    machines.map(async (machine) => ({ host: machine.host, key: await hostPublicKey(lab, machine) })),
  );
  const document = machinesInventory({
    environment: options.environment,
    machines,
    routerOf: new Map(wiring.servers.map((server) => [server.name, server.router])),
    operatorNamespace: access.namespace,
    identity: join(lab, access.identity),
    user: SSH_USER,
  });
  const written = await writeMachinesInventory(
    lab,
    renderMachinesInventory(document, options.environment),
    knownHostsText(keys),
  );
  progress(
    `inventory: ${relative(folder, written.inventory)} (${machines.length} hosts) and ${relative(folder, written.knownHosts)}`,
  );
  state.inventory = labInventory(wiring, lab, recorded, new Map());
}

/** `lab up` under the lab lock (lock.ts): a second lab up of the environment says the first is running. */
export async function labUp(options: LabUpOptions): Promise<LabUpResult> {
  const unsupported = namespaceSupport();
  if (unsupported) return { ok: false, error: `the lab ${unsupported}` };
  const lock = await lockLab(options.folder, options.environment, 'lab up');
  if (!lock.ok) return { ok: false, error: lock.error };
  try {
    return await buildLab(options);
  } finally {
    await lock.release();
  }
}

// The order is the lab's: each step names what it makes, and the state records it as it goes.
async function buildLab(options: LabUpOptions): Promise<LabUpResult> {
  const { folder, progress, signal } = options;
  const lab = labFolder(folder);
  const prefix = labPrefix(folder);
  const existing = await existingLab(options, prefix);
  if (existing) return existing;

  const flavour = linuxFlavour(options.model);
  for (const { router, was } of flavour.converted) {
    progress(
      options.machines
        ? `${router}: the topology says ${was}; the lab boots it as a Debian machine running its Linux rendering (VyOS cannot boot here), platform: linux in the inventory`
        : `${router}: the topology says ${was}; the lab runs it as a Linux router (VyOS cannot run in a namespace)`,
    );
  }

  if (options.machines) {
    // Before the image and before anything is made: a machine per router and per server.
    const count = flavour.model.sites.length + flavour.model.servers.length;
    const shortfall = inotifyShortfall(count, inotifyUse());
    if (shortfall) return { ok: false, error: shortfall };
  }

  try {
    checkpoint(signal);
    await mkdir(lab, { recursive: true, mode: 0o700 });
    const source = await readLabSource(folder);
    let image: string | null = null;
    if (options.machines) {
      const made = await ensureImage({
        progress,
        signal,
        ...(options.imageCache ? { cache: options.imageCache } : {}),
      });
      checkpoint(signal);
      if (!made.ok) throw new LabFailure(`machine image: ${made.error}`);
      image = made.path;
      progress(`image: ${image}${made.built ? '' : ' (cached)'}`);
    }
    const { kind, secrets, wiring, warnings } = await wire(options, flavour.model, lab, prefix);
    const state = newState(options, prefix, kind, flavour.converted, wiring);
    state.source = source;
    if (image) {
      state.mode = 'machines';
      state.image = image;
      state.source = topologyOnly(source);
    }
    if (signal) signals.set(state, signal);
    await record(folder, state);
    await install(wiring, lab, secrets);
    const loopbackDown = await createNamespaces(wiring, state, folder, progress);
    await connectAll(wiring, loopbackDown, progress, signal);
    state.wan = await labWan(options, options.model, wiring, state, lab, progress);
    await record(folder, state);
    if (image) {
      await bootMachines(options, flavour.model, wiring, lab, image, state, progress);
    } else {
      await startTunnels(wiring, lab, state, folder, options.tunnelTimeoutMs ?? 30_000, progress);
      const hostKeys = await sshAccess(flavour.model, wiring, lab, state, folder, progress);
      state.inventory = labInventory(wiring, lab, state.access ?? null, hostKeys);
    }
    state.complete = true;
    await record(folder, state);
    return { ok: true, state, alreadyUp: false, warnings, repaired: [] };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const interrupted =
      error instanceof Interrupted || signal?.aborted ? String(signal?.reason ?? message) : null;
    progress(
      interrupted
        ? `lab up interrupted (${interrupted}); removing what it made`
        : 'lab up failed; removing what it made',
    );
    const removed = await removeLab({
      folder,
      environment: options.environment,
      progress: (line) => progress(`  ${line}`),
    });
    const left = [
      ...removed.remaining.namespaces,
      ...removed.remaining.pids.map((pid) => `pid ${pid}`),
      ...removed.remaining.cgroups,
    ];
    const leak = left.length > 0 ? `; NOT everything could be removed: ${left.join(', ')}` : '';
    return interrupted
      ? { ok: false, error: `interrupted by ${interrupted}; what it made is removed${leak}`, interrupted }
      : { ok: false, error: `${message}${leak}` };
  }
}
