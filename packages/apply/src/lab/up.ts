// `lab up`: the environment on this machine, in network namespaces. Loads nothing itself (the
// CLI passes the Model); decides secrets, generates the Linux flavour, plans (plan.ts), then
// runs the plan, recording every namespace and pid in the state file as it is made. A failure
// rolls back what was made so far; a lab that is already up is left as it is.
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { environmentPaths, repositoryEnvironment } from '@geostage/environment';
import { generateLinuxRouters, generateNetplan } from '@geostage/gen-vyos';
import type { Model } from '@geostage/schema';
import { assertNoPlaceholders, fillSecrets, readPublicMaterial, secretsInit } from '@geostage/secrets';
import { planAccess, SSH_USER } from './access.ts';
import { labDown } from './down.ts';
import { linuxFlavour } from './flavour.ts';
import { labPrefix } from './names.ts';
import { listNamespaces, namespaceSupport, run, waitFor } from './namespaces.ts';
import { type LabPlan, planLab } from './plan.ts';
import { isLabProcess } from './processes.ts';
import { type LabState, labFolder, readState, STATE_FORMAT, STATE_VERSION, writeState } from './state.ts';
import { makeSshFiles, startSshd } from './sshd.ts';
import { labHealth } from './status.ts';

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
}

export type LabUpResult =
  | { ok: true; state: LabState; alreadyUp: boolean; warnings: string[] }
  | { ok: false; error: string };

class LabFailure extends Error {}

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

async function install(plan: LabPlan, lab: string, secrets: string): Promise<void> {
  for (const file of plan.files) {
    const filled = await fillSecrets(file.content, secrets);
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

/** The operator namespace on the underlay and an sshd in every router namespace, for apply. */
async function sshAccess(
  model: Model,
  plan: LabPlan,
  lab: string,
  state: LabState,
  folder: string,
  progress: (line: string) => void,
): Promise<void> {
  const gateways = new Map(model.sites.map((site) => [site.router.name, site.router.wan.gateway ?? null]));
  const planned = planAccess(
    plan.prefix,
    plan.routers.map((router) => ({ ...router, gateway: gateways.get(router.name) ?? null })),
  );
  if (!planned.ok) throw new LabFailure(`operator: ${planned.error}`);
  const { access } = planned;
  // Recorded before it exists, so that a failure from here on still removes it. It is kept
  // apart from `namespaces` (the environment itself): the operator is not part of the topology.
  state.access = {
    namespace: access.namespace,
    addresses: access.addresses,
    user: SSH_USER,
    identity: access.identity,
    sshd: [],
  };
  await writeState(folder, state);
  await run('ip', ['netns', 'add', access.namespace]);
  await run('ip', ['-n', access.namespace, 'link', 'set', 'lo', 'up']);
  progress(access.phase.title);
  for (const [command, ...args] of access.phase.commands) await run(command!, args);
  await makeSshFiles(lab, access);
  for (const sshd of access.sshd) {
    const pid = await startSshd(lab, sshd);
    state.access.sshd.push({ ...sshd, pid });
    await writeState(folder, state);
  }
  progress(
    `sshd: ${access.sshd.length} listening (${access.sshd.map((sshd) => `${sshd.router} ${sshd.address}:22`).join(', ')})`,
  );
}

const tail = (text: string, lines = 15) => text.trimEnd().split('\n').slice(-lines).join('\n');

export async function labUp(options: LabUpOptions): Promise<LabUpResult> {
  const unsupported = namespaceSupport();
  if (unsupported) return { ok: false, error: `the lab ${unsupported}` };
  const { environment, folder, progress } = options;
  const lab = labFolder(folder);

  const existing = await readState(folder);
  if (existing) {
    const health = await labHealth(existing);
    if (existing.complete && health.healthy) {
      progress(
        `a lab of ${environment} is already up (${existing.namespaces.length} namespaces); nothing to do`,
      );
      return { ok: true, state: existing, alreadyUp: true, warnings: [] };
    }
    return {
      ok: false,
      error: `a lab of ${environment} is already here but not healthy (${health.problems.join('; ')}); run geostage lab down ${environment} first`,
    };
  }

  const prefix = labPrefix(folder);
  const strays = (await listNamespaces()).filter((name) => name.startsWith(prefix));
  if (strays.length > 0) {
    return {
      ok: false,
      error: `namespaces with this environment's prefix exist but no lab state records them: ${strays.join(', ')}; delete them with ip netns del <name>`,
    };
  }

  const flavour = linuxFlavour(options.model);
  for (const { router, was } of flavour.converted) {
    progress(
      `${router}: the topology says ${was}; the lab runs it as a Linux router (VyOS cannot run in a namespace)`,
    );
  }

  let state: LabState | null = null;
  try {
    await mkdir(lab, { recursive: true, mode: 0o700 });
    const secrets = await secretsFor(options, lab);
    progress(
      secrets.kind === 'environment'
        ? `secrets: ${repositoryEnvironment('', environment).secrets}`
        : `secrets: lab-only keys in ${environment}/.lab/keys (the environment has no secrets/; they go with lab down)`,
    );
    const material = await readPublicMaterial(environmentPaths(secrets.publicFrom).public);
    const linux = generateLinuxRouters(flavour.model, material);
    const missing = linux.warnings.filter((warning) => warning.includes('secrets init'));
    if (missing.length > 0) throw new LabFailure(missing.join('\n'));
    const warnings = linux.warnings;
    const planned = planLab({
      model: flavour.model,
      files: [...linux.files, ...generateNetplan(options.model)],
      prefix,
      folder: lab,
    });
    if (!planned.ok) throw new LabFailure(planned.errors.join('\n'));
    const plan = planned.plan;

    state = {
      format: STATE_FORMAT,
      version: STATE_VERSION,
      environment,
      folder,
      prefix,
      startedAt: new Date().toISOString(),
      complete: false,
      secrets: secrets.kind,
      converted: flavour.converted,
      namespaces: [],
      processes: [],
      routers: plan.routers,
      servers: plan.servers,
    };
    await writeState(folder, state);
    await install(plan, lab, secrets.secrets);

    progress(`namespaces: ${plan.namespaces.length} (${prefix}*)`);
    for (const namespace of plan.namespaces) {
      await run('ip', ['netns', 'add', namespace.name]);
      state.namespaces.push(namespace);
      await writeState(folder, state);
      await run('ip', ['-n', namespace.name, 'link', 'set', 'lo', 'up']);
    }
    for (const phase of plan.phases) {
      progress(phase.title);
      for (const [command, ...args] of phase.commands) await run(command!, args);
    }

    const started = Date.now();
    await mkdir(join(lab, 'logs'), { recursive: true, mode: 0o700 });
    await mkdir(join(lab, 'run'), { recursive: true, mode: 0o700 });
    for (const tunnel of plan.tunnels) {
      const [command, ...args] = tunnel.command;
      await run(command!, args);
      const pid = await waitFor(
        `the pid of openvpn ${tunnel.router} ${tunnel.interface}`,
        5_000,
        async () => {
          const text = await readFile(join(lab, tunnel.pidFile), 'utf8').catch(() => '');
          const pid = Number.parseInt(text, 10);
          return Number.isInteger(pid) && isLabProcess(pid, lab) ? pid : null;
        },
      );
      state.processes.push({
        pid,
        router: tunnel.router,
        namespace: tunnel.namespace,
        interface: tunnel.interface,
        tunnel: tunnel.tunnel,
        log: tunnel.log,
        pidFile: tunnel.pidFile,
      });
      await writeState(folder, state);
    }
    progress(
      `tunnels: ${plan.tunnels.length} openvpn processes started, waiting for ${plan.tunnels.length / 2} tunnels`,
    );
    const timeout = options.tunnelTimeoutMs ?? 30_000;
    await Promise.all(
      plan.tunnels.map(async (tunnel) => {
        const log = join(lab, tunnel.log);
        try {
          await waitFor(`${tunnel.router} ${tunnel.interface} (${tunnel.tunnel})`, timeout, async () => {
            const text = await readFile(log, 'utf8').catch(() => '');
            if (/Exiting due to fatal error|Options error/.test(text)) throw new LabFailure(text);
            return text.includes('Initialization Sequence Completed') ? true : null;
          });
        } catch (error) {
          const text = await readFile(log, 'utf8').catch(() => '(no log)');
          throw new LabFailure(
            `${String(error instanceof Error ? error.message.split('\n')[0] : error)}\n--- ${tunnel.log} ---\n${tail(text)}`,
          );
        }
      }),
    );
    progress(`tunnels: ${plan.tunnels.length / 2} up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    await sshAccess(flavour.model, plan, lab, state, folder, progress);
    state.complete = true;
    await writeState(folder, state);
    return { ok: true, state, alreadyUp: false, warnings };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    progress('lab up failed; removing what it made');
    await labDown({ folder, progress: (line) => progress(`  ${line}`) });
    return { ok: false, error: message };
  }
}
