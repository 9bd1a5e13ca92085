// geostage apply <env> --lab: the plan executed over real SSH into the lab's router namespaces.
// A real-host mode is not built yet; without --lab the command says so.

import { type ApplyLabResult, applyLab, isPhaseName, PHASE_NAMES } from '@geostage/apply';
import { repositoryEnvironment } from '@geostage/environment';
import { formatDiagnostic } from '@geostage/schema';
import { type Command, EXIT, positiveInteger, UsageError } from '../command.ts';
import { loadEnvironment, repositoryRoot, selectEnvironments } from '../environment.ts';
import { interruptible, signalExit } from '../interrupt.ts';

export const apply: Command = {
  name: 'apply',
  summary: 'execute the plan over SSH (for now in the lab only: routers and tunnel check)',
  help: `Usage: geostage apply <env> --lab [--phase NAME] [--dry-run] [--parallel N]

Executes the plan (geostage plan <env>) over real SSH (ssh2) into the lab that
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
  --lab            required: apply to the namespace lab (a real-host mode is not built yet).
  --phase NAME     only that phase (${PHASE_NAMES.join(', ')}).
  --dry-run        print what would be uploaded and run; touches nothing.
  --parallel N     hosts at once (default 8).
  -h, --help       show this help.

It ends with a summary per phase and host: ran, already done, not run and why, failed.

Exit codes: 0 done, 1 invalid topology, no lab up, or a stale lab apply cannot bring to the
files (servers changed), 2 usage error, 3 a host failed or was not run (each printed with
its host and step), 130/143 interrupted by SIGINT/SIGTERM (rerun to finish).`,
  options: {
    lab: { type: 'boolean', default: false },
    phase: { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
    parallel: { type: 'string', default: '8' },
  },
  async run({ values, positionals, io }) {
    if (positionals.length !== 1) throw new UsageError('name one environment');
    if (values.lab !== true)
      throw new UsageError(
        'apply runs only in the namespace lab for now: add --lab (real hosts are not built yet)',
      );
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

/** The summary apply ends with: per phase and host, ran / already done / not run and why / failed. */
function renderSummary(result: ApplyLabResult): string {
  const word = { ran: 'ran', done: 'already done', 'not-run': 'NOT RUN', failed: 'FAILED' } as const;
  const width = Math.max(...result.summary.map((one) => `[${one.phase}] ${one.host}`.length));
  const lines = result.summary.map((one) => {
    const counts =
      one.status === 'ran'
        ? ` (${one.ran} steps${one.skipped > 0 ? `, ${one.skipped} done before` : ''})`
        : '';
    return `  ${`[${one.phase}] ${one.host}`.padEnd(width)}  ${word[one.status]}${counts}${one.reason && one.status !== 'ran' ? `: ${one.reason.split('\n')[0]}` : ''}`;
  });
  const notExecutable = result.notExecutable.map((one) => `  [${one.phase}] not executable in the lab`);
  return `summary:\n${[...lines, ...notExecutable].join('\n')}\n`;
}
