// geostage apply <env> --lab: the plan executed over real SSH into the lab's router namespaces.
// A real-host mode is not built yet; without --lab the command says so.

import { applyLab, isPhaseName, PHASE_NAMES } from '@geostage/apply';
import { repositoryEnvironment } from '@geostage/environment';
import { formatDiagnostic } from '@geostage/schema';
import { type Command, EXIT, positiveInteger, UsageError } from '../command.ts';
import { loadEnvironment, repositoryRoot, selectEnvironments } from '../environment.ts';

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

Exit codes: 0 done, 1 invalid topology or no lab up, 2 usage error, 3 a host failed (each
failure is printed with its host and step) or a file could not be read.`,
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
    const result = await applyLab({
      environment: env!,
      folder: repositoryEnvironment(root, env!).folder,
      model: loaded.model,
      ...(typeof phase === 'string' && isPhaseName(phase) ? { phase } : {}),
      dryRun,
      parallel,
      progress: (line) => io.out(`${line}\n`),
    });
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    if (!result.ok) {
      for (const error of result.errors) io.err(`geostage: apply ${env}: ${error}\n`);
      // No lab to apply to is an invalid request; anything else failed while executing.
      const noLab = result.failures.some(
        (failure) => failure.kind === 'no-lab' || failure.kind === 'incomplete',
      );
      return noLab ? EXIT.invalid : EXIT.failure;
    }
    for (const missed of result.notReached)
      io.err(`warning: [${missed.phase}] ${missed.host} was not configured: ${missed.reason}\n`);
    if (!dryRun)
      io.out(
        `apply ${env} done in ${seconds} s: ${result.ran} steps ran, ${result.skipped} completed before and skipped\n`,
      );
    return EXIT.ok;
  },
};
