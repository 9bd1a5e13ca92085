// geostage apply <env> [--inventory FILE]: the plan executed over SSH on real hosts (every phase),
// or with --lab in the namespace lab's router namespaces (routers and tunnel check).

import { resolve } from 'node:path';
import {
  type ApplyHostsResult,
  type ApplyLabResult,
  applyHosts,
  applyLab,
  isPhaseName,
  PHASE_NAMES,
} from '@geostage/apply';
import { repositoryEnvironment } from '@geostage/environment';
import { formatDiagnostic, type Model } from '@geostage/schema';
import { type Command, EXIT, type Io, positiveInteger, UsageError } from '../command.ts';
import { loadEnvironment, repositoryRoot, selectEnvironments } from '../environment.ts';
import { interruptible, signalExit } from '../interrupt.ts';

export const apply: Command = {
  name: 'apply',
  summary: 'execute the plan over SSH: on real hosts (every phase), or --lab in the namespace lab',
  help: `Usage: geostage apply <env> [--inventory FILE] [--phase NAME] [--dry-run] [--parallel N]
       geostage apply <env> --lab [--phase NAME] [--dry-run] [--parallel N]

Real hosts (without --lab): every phase of the plan over SSH, as the inventory says each host is
reached (environments/<env>/inventory.yaml, or --inventory FILE; without one, the topology's
defaults: routers at their WAN address, servers at their LAN address through their site's
router). Host keys are checked against the inventory's known_hosts (geostage hosts scan <env>
records them); an unknown or changed key stops that host. Every upload is written beside its
path and moved into place; VyOS loads its set commands under commit-confirm and confirms over a
fresh connection (vbash's "Set failed"/"Commit failed" count as failures); servers take their
netplan file with a timed revert, confirmed over a fresh connection; HAProxy's file is checked
before the reload; kubeadm init and joins run in order (token and certificate key made into
secrets/ when absent, the CA hash captured). A host that fails stops only itself and the hosts
reached through it; transient connection failures are retried with backoff. A phase a host
lacks the software for (kubeadm, kubectl) is NOT RUN, saying what to install.
Logs and the resume state: .apply/<env>/ beside the inventory file. A lab made with
geostage lab up <env> --machines writes environments/<env>/.lab/inventory.yaml for this.

In the lab (--lab): executes the plan (geostage plan <env>) over real SSH (ssh2) into the lab that
geostage lab up <env> built: the connections start in the lab's operator namespace on the
underlay and reach each router's sshd at its WAN address. The lab runs the Linux flavour of
every router (VyOS cannot run in a namespace), so apply uploads the Linux router files of the
same topology, secrets filled at upload, under each router's root in the lab folder, and runs
sysctl, nft and the tunnels' openvpn there; systemd and networkd steps are skipped, saying why.

Phases the lab executes: routers, tunnel-check (ping the far end of every tunnel). The others
(server networking, load balancer, kubeadm, manifests, verification) print why they are not
executable in the lab and are skipped.

Progress: one line per host and step. Logs: environments/<env>/.lab/logs/apply-<host>.log.
State: environments/<env>/.lab/apply-state.json; a rerun skips completed steps (a step whose
file or command changed runs again).

Options:
  --inventory FILE how to reach each host (default environments/<env>/inventory.yaml).
  --lab            apply to the namespace lab that geostage lab up <env> built.
  --phase NAME     only that phase (${PHASE_NAMES.join(', ')}).
  --dry-run        print what would be uploaded and run; touches nothing.
  --parallel N     hosts at once (default 8).
  -h, --help       show this help.

It ends with a summary per phase and host: ran, already done, not run and why, failed.

Exit codes: 0 done, 1 invalid topology or inventory, no lab up, or a stale lab apply cannot
bring to the files (servers changed), 2 usage error, 3 a host failed or was not run (each printed with
its host and step), 130/143 interrupted by SIGINT/SIGTERM (rerun to finish).`,
  options: {
    lab: { type: 'boolean', default: false },
    inventory: { type: 'string' },
    phase: { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
    parallel: { type: 'string', default: '8' },
  },
  async run({ values, positionals, io }) {
    if (positionals.length !== 1) throw new UsageError('name one environment');
    if (values.lab === true && values.inventory !== undefined)
      throw new UsageError('--lab and --inventory exclude each other: the lab publishes its own inventory');
    const phase = values.phase;
    if (phase !== undefined && (typeof phase !== 'string' || !isPhaseName(phase)))
      throw new UsageError(`--phase must be one of ${PHASE_NAMES.join(', ')}, not "${String(phase)}"`);
    const parallel = positiveInteger(values, 'parallel');
    const root = repositoryRoot(io.cwd);
    const [env] = selectEnvironments(root, positionals);
    const loaded = await loadEnvironment(root, env!);
    if (!loaded.model) {
      for (const diagnostic of loaded.diagnostics) io.err(`${formatDiagnostic(diagnostic)}\n`);
      return EXIT.invalid;
    }
    const dryRun = values['dry-run'] === true;
    const started = Date.now();
    const model = loaded.model;
    if (values.lab !== true)
      return applyToHosts({
        env: env!,
        folder: repositoryEnvironment(root, env!).folder,
        model,
        inventory: typeof values.inventory === 'string' ? resolve(io.cwd, values.inventory) : undefined,
        phase: typeof phase === 'string' && isPhaseName(phase) ? phase : undefined,
        dryRun,
        parallel,
        io,
      });
    const result = await interruptible(io, `apply ${env} after the steps under way`, (signal) =>
      applyLab({
        environment: env!,
        folder: repositoryEnvironment(root, env!).folder,
        model,
        ...(typeof phase === 'string' && isPhaseName(phase) ? { phase } : {}),
        dryRun,
        parallel,
        progress: (line) => io.out(`${line}\n`),
        signal,
      }),
    );
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    if (result.summary.length > 0) io.out(renderSummary(result));
    if (result.interrupted) {
      io.err(`geostage: apply ${env}: interrupted by ${result.interrupted}; rerun it to finish\n`);
      return signalExit(result.interrupted);
    }
    if (!result.ok) {
      for (const error of result.errors) io.err(`geostage: apply ${env}: ${error}\n`);
      // No lab to apply to is an invalid request; anything else failed while executing.
      const noLab = result.failures.some(
        (failure) => failure.kind === 'no-lab' || failure.kind === 'incomplete',
      );
      return noLab ? EXIT.invalid : EXIT.failure;
    }
    const notRun = result.summary.filter((one) => one.status === 'not-run');
    for (const missed of notRun)
      io.err(
        `geostage: apply ${env}: [${missed.phase}] ${missed.host} was NOT configured: ${missed.reason}\n`,
      );
    if (dryRun) return EXIT.ok;
    io.out(
      `apply ${env} ${notRun.length > 0 ? 'NOT done' : 'done'} in ${seconds} s: ${result.ran} steps ran, ${result.skipped} completed before and skipped${notRun.length > 0 ? `, ${notRun.length} hosts not run` : ''}\n`,
    );
    return notRun.length > 0 ? EXIT.failure : EXIT.ok;
  },
};

/** apply on real hosts: the inventory's diagnostics, progress, the summary, the exit code. */
async function applyToHosts(request: {
  env: string;
  folder: string;
  model: Model;
  inventory: string | undefined;
  phase: (typeof PHASE_NAMES)[number] | undefined;
  dryRun: boolean;
  parallel: number;
  io: Io;
}): Promise<number> {
  const { env, io } = request;
  const started = Date.now();
  const result: ApplyHostsResult = await interruptible(
    io,
    `apply ${env} after the steps under way`,
    (signal) =>
      applyHosts({
        environment: env,
        folder: request.folder,
        model: request.model,
        ...(request.inventory ? { inventory: request.inventory } : {}),
        ...(request.phase ? { phase: request.phase } : {}),
        dryRun: request.dryRun,
        parallel: request.parallel,
        progress: (line) => io.out(`${line}\n`),
        signal,
      }),
  );
  for (const diagnostic of result.diagnostics) io.err(`${formatDiagnostic(diagnostic)}\n`);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.summary.length > 0) io.out(renderSummary({ summary: result.summary, notExecutable: [] }));
  if (result.interrupted) {
    io.err(`geostage: apply ${env}: interrupted by ${result.interrupted}; rerun it to finish\n`);
    return signalExit(result.interrupted);
  }
  const setup = result.failures.filter((failure) => 'error' in failure);
  if (setup.length > 0) {
    for (const failure of setup)
      io.err(`geostage: apply ${env}: ${'error' in failure ? failure.error : ''}\n`);
    return EXIT.invalid;
  }
  if (request.dryRun) return EXIT.ok;
  const failed = result.summary.filter((one) => one.status === 'failed');
  const notRun = result.summary.filter((one) => one.status === 'not-run');
  for (const one of [...failed, ...notRun])
    io.err(
      `geostage: apply ${env}: [${one.phase}] ${one.host} ${one.status === 'failed' ? 'FAILED' : 'NOT RUN'}: ${one.reason ?? ''}\n`,
    );
  const changed = result.summary.some((one) => one.status === 'ran');
  const verdict =
    failed.length + notRun.length > 0
      ? `NOT done: ${failed.length} failed, ${notRun.length} not run`
      : changed
        ? 'done'
        : 'done: nothing changed (every step completed before; checks passed)';
  io.out(
    `apply ${env} ${verdict} in ${seconds} s: ${result.ran} steps ran, ${result.skipped} completed before and skipped; logs in ${result.stateFolder}\n`,
  );
  return failed.length + notRun.length > 0 ? EXIT.failure : EXIT.ok;
}

/** The summary apply ends with: per phase and host, ran / already done / not run and why / failed. */
function renderSummary(result: Pick<ApplyLabResult, 'summary' | 'notExecutable'>): string {
  const word = {
    ran: 'ran',
    checked: 'checked',
    done: 'already done',
    'not-run': 'NOT RUN',
    failed: 'FAILED',
  } as const;
  const width = Math.max(...result.summary.map((one) => `[${one.phase}] ${one.host}`.length));
  const lines = result.summary.map((one) => {
    const counts =
      one.status === 'ran'
        ? ` (${one.ran} steps${one.skipped > 0 ? `, ${one.skipped} done before` : ''})`
        : one.status === 'checked'
          ? ` (${one.ran} check${one.ran === 1 ? '' : 's'} passed${one.skipped > 0 ? `, ${one.skipped} steps done before` : ''})`
          : '';
    return `  ${`[${one.phase}] ${one.host}`.padEnd(width)}  ${word[one.status]}${counts}${one.reason && one.status !== 'ran' ? `: ${one.reason.split('\n')[0]}` : ''}`;
  });
  const notExecutable = result.notExecutable.map((one) => `  [${one.phase}] not executable in the lab`);
  return `summary:\n${[...lines, ...notExecutable].join('\n')}\n`;
}
