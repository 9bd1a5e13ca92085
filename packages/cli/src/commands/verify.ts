// geostage verify <env>: the reachability matrix measured from inside the lab's servers,
// written to results/verify.json and compared with reach's matrix after the VPN.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { labHealth, readState } from '@geostage/apply/lab';
import { compareWithReach, measureMatrix, renderComparison, renderMeasured } from '@geostage/apply/verify';
import { repositoryEnvironment, writeResults } from '@geostage/environment';
import { computeReachability, readGeneratedNetwork } from '@geostage/reach';
import { type Command, EXIT, UsageError } from '../command.ts';
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
  --concurrency N   pairs measured at once (default 8).
  --width N         terminal width for the matrices (default 120).
  -h, --help        show this help.

Exit codes: 0 the measurement agrees with reach, 1 it does not (every differing pair is
printed), no lab is up, or there are no generated files, 2 usage error.`,
  options: {
    concurrency: { type: 'string', default: '8' },
    width: { type: 'string', default: '120' },
  },
  async run({ values, positionals, io }) {
    if (positionals.length !== 1) throw new UsageError('name one environment');
    const concurrency = Number(values.concurrency);
    if (!Number.isInteger(concurrency) || concurrency < 1)
      throw new UsageError(`--concurrency must be a positive number, not "${String(values.concurrency)}"`);
    const width = Number(values.width);
    if (!Number.isInteger(width) || width < 20)
      throw new UsageError(`--width must be a number of columns, not "${String(values.width)}"`);
    const root = repositoryRoot(io.cwd);
    const [env] = selectEnvironments(root, positionals);
    const folder = repositoryEnvironment(root, env!).folder;
    const state = await readState(folder);
    if (!state?.complete) {
      io.err(`geostage: no lab of ${env} is up; run geostage lab up ${env}\n`);
      return EXIT.invalid;
    }
    const health = await labHealth(state);
    if (!health.healthy) io.err(`warning: the lab is not healthy: ${health.problems.join('; ')}\n`);

    const started = Date.now();
    const pairs = await measureMatrix(state.servers, {
      concurrency,
      count: COUNT,
      timeoutSeconds: TIMEOUT_SECONDS,
    });
    const measuredAt = new Date().toISOString();
    const resultsPath = repositoryEnvironment('', env!).verifyResults;
    await writeResults(join(root, resultsPath), {
      measuredAt,
      environment: env!,
      method: `lab (${state.prefix}*, routers as Linux), ping -c ${COUNT} -W ${TIMEOUT_SECONDS} from each server's namespace`,
      pairs,
    });
    const routerOf = new Map(state.servers.map((server) => [server.name, server.router]));
    io.out(
      renderMeasured(
        pairs,
        state.servers.map((server) => ({ name: server.name, router: routerOf.get(server.name)! })),
        { width, title: `${env}: measured in the lab at ${measuredAt}` },
      ),
    );
    io.out(
      `${pairs.length} pairs in ${((Date.now() - started) / 1000).toFixed(1)} s; written to ${resultsPath}\n\n`,
    );

    const network = repositoryEnvironment(root, env!).generated.network;
    if (!existsSync(network)) {
      io.err(
        `geostage: ${repositoryEnvironment('', env!).generated.network} does not exist: nothing to compare with; run geostage generate ${env}\n`,
      );
      return EXIT.invalid;
    }
    const comparison = compareWithReach(pairs, computeReachability(await readGeneratedNetwork(network)));
    io.out(renderComparison(comparison, pairs.length));
    return comparison.disagreements.length === 0 && comparison.unmeasured.length === 0
      ? EXIT.ok
      : EXIT.invalid;
  },
};
