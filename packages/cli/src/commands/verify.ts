// geostage verify <env>: the reachability matrix measured from inside the lab's servers,
// written to results/verify.json and compared with reach's matrix after the VPN.
import { repositoryEnvironment } from '@geostage/environment';
import { renderComparison, renderMeasured, verifyLab } from '@geostage/measure';
import { type Command, EXIT, positiveInteger, UsageError } from '../command.ts';
import { repositoryRoot, selectEnvironments } from '../environment.ts';

const COUNT = 2;
const TIMEOUT_SECONDS = 1;

export const verify: Command = {
  name: 'verify',
  summary: 'measure the reachability matrix in the lab and compare it with reach',
  help: `Usage: geostage verify <env> [--concurrency N] [--width N]

With the lab up (geostage lab up <env>), pings every ordered pair of servers from inside the
sender's namespace (ping -c ${COUNT} -W ${TIMEOUT_SECONDS}), writes environments/<env>/results/verify.json
({measuredAt, environment, method, pairs: [{from, to, reachable, rttMs, ttl, sent, received}]},
which the site shows beside the computed matrix), prints the measured matrix and round-trip
times, and compares them with reach's matrix after the VPN, computed from
environments/<env>/generated/network. The lab runs every router as Linux while the generated
files may be VyOS: the comparison is between what the generated design says and what the
same design measures when built.

Options:
  --force           measure a stale or unhealthy lab anyway (and overwrite the results).
  --concurrency N   pairs measured at once (default 8).
  --width N         terminal width for the matrices (default 120).
  -h, --help        show this help.

A lab built from other files than those on disk (stale), or one whose tunnels or sshd do
not work (geostage lab status), is refused: its measurement would say nothing about the
files, and would overwrite the committed results.

Exit codes: 0 the measurement agrees with reach, 1 it does not (every differing pair is
printed), no lab is up, the lab is stale or unhealthy, or there are no generated files,
2 usage error, 3 a probe could not be run (the cause is printed).`,
  options: {
    concurrency: { type: 'string', default: '8' },
    force: { type: 'boolean', default: false },
    width: { type: 'string', default: '120' },
  },
  async run({ values, positionals, io }) {
    if (positionals.length !== 1) throw new UsageError('name one environment');
    const concurrency = positiveInteger(values, 'concurrency', { must: 'a positive number' });
    const width = positiveInteger(values, 'width', { minimum: 20, must: 'a number of columns' });
    const root = repositoryRoot(io.cwd);
    const [env] = selectEnvironments(root, positionals);
    const paths = repositoryEnvironment(root, env!);
    const shown = repositoryEnvironment('', env!);
    const folder = paths.folder;
    const resultsPath = shown.verifyResults;
    const verified = await verifyLab({
      environment: env!,
      folder,
      resultsPath: paths.verifyResults,
      network: paths.generated.network,
      concurrency,
      count: COUNT,
      timeoutSeconds: TIMEOUT_SECONDS,
      force: values.force === true,
    });
    if (!verified.ok) {
      io.err(`geostage: ${verified.error}\n`);
      return EXIT.invalid;
    }
    if (verified.problems.length > 0)
      io.err(`warning: measured anyway (--force): ${verified.problems.join('; ')}\n`);
    const { pairs, comparison } = verified;
    io.out(
      renderMeasured(pairs, verified.servers, {
        width,
        title: `${env}: measured in the lab at ${verified.measuredAt}`,
      }),
    );
    io.out(`${pairs.length} pairs in ${verified.seconds.toFixed(1)} s; written to ${resultsPath}\n\n`);
    if (!comparison) {
      io.err(
        `geostage: ${shown.generated.network} does not exist: nothing to compare with; run geostage generate ${env}\n`,
      );
      return EXIT.invalid;
    }
    io.out(renderComparison(comparison, pairs.length));
    return verified.agrees ? EXIT.ok : EXIT.invalid;
  },
};
