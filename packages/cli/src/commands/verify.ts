// geostage verify <env>: the reachability matrix measured from inside the lab's servers,
// written to results/verify.json and compared with reach's matrix after the VPN.
import { repositoryEnvironment } from '@geostage/environment';
import { renderComparison, renderMeasured, verifyLab } from '@geostage/measure';
import { type Command, EXIT, positiveInteger, UsageError } from '../command.ts';
import { repositoryRoot, selectEnvironments } from '../environment.ts';

const COUNT = 2;
const TIMEOUT_SECONDS = 1;
/** Servers up to which a sampled verify prints its matrices. */
const MATRIX_SERVERS = 40;
const SHOWN_SITE_PAIRS = 12;

export const verify: Command = {
  name: 'verify',
  summary: 'measure the reachability matrix in the lab and compare it with reach',
  help: `Usage: geostage verify <env> [--sample N [--seed S]] [--concurrency N] [--width N]

With the lab up (geostage lab up <env>), pings every ordered pair of servers from inside the
sender's namespace (one fping -C ${COUNT} -t ${TIMEOUT_SECONDS * 1000} per sender to all its targets; the
reply's TTL from ping -c 1 to each reachable one), writes environments/<env>/results/verify.json
({measuredAt, environment, method, sample?, pairs: [{from, to, reachable, rttMs, ttl, sent, received}]},
which the site shows beside the computed matrix), prints the measured matrix and round-trip
times, and compares them with reach's matrix after the VPN, computed from
environments/<env>/generated/network. The lab runs every router as Linux while the generated
files may be VyOS: the comparison is between what the generated design says and what the
same design measures when built.

The pairs grow as the square of the servers: --sample N measures N site pairs chosen with the
seed (the same seed, the same pairs), every server pair between the two sites both ways, and
each sampled site's own server pairs. The first ones pair the sites off, so every site is in
the sample once N is at least half the sites. The comparison with reach is over those pairs.

Options:
  --sample N        measure N site pairs instead of every pair.
  --seed S          the sample's seed (default 1).
  --force           measure a stale or unhealthy lab anyway (and overwrite the results).
  --concurrency N   senders probing at once (default 8).
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
    sample: { type: 'string' },
    seed: { type: 'string', default: '1' },
    force: { type: 'boolean', default: false },
    width: { type: 'string', default: '120' },
  },
  async run({ values, positionals, io }) {
    if (positionals.length !== 1) throw new UsageError('name one environment');
    const concurrency = positiveInteger(values, 'concurrency', { must: 'a positive number' });
    const width = positiveInteger(values, 'width', { minimum: 20, must: 'a number of columns' });
    const seed = positiveInteger(values, 'seed', { minimum: 0, must: 'a whole number' });
    const sample =
      values.sample === undefined
        ? undefined
        : { sitePairs: positiveInteger(values, 'sample', { must: 'a number of site pairs' }), seed };
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
      ...(sample ? { sample } : {}),
    });
    if (!verified.ok) {
      io.err(`geostage: ${verified.error}\n`);
      return EXIT.invalid;
    }
    if (verified.problems.length > 0)
      io.err(`warning: measured anyway (--force): ${verified.problems.join('; ')}\n`);
    const { pairs, comparison, sample: sampled } = verified;
    if (sampled) {
      io.out(
        `sampled ${sampled.sitePairs.length} of ${sampled.totalSitePairs} site pairs (seed ${sampled.seed}): ${sampled.sitePairs
          .slice(0, SHOWN_SITE_PAIRS)
          .map(([a, b]) => `${a}-${b}`)
          .join(
            ', ',
          )}${sampled.sitePairs.length > SHOWN_SITE_PAIRS ? `, and ${sampled.sitePairs.length - SHOWN_SITE_PAIRS} more (results file)` : ''}\n`,
      );
    }
    // A sample of a large lab is many servers wide: its matrix only when it fits a screen or two.
    if (!sampled || verified.servers.length <= MATRIX_SERVERS)
      io.out(
        renderMeasured(pairs, verified.servers, {
          width,
          title: `${env}: measured in the lab at ${verified.measuredAt}`,
        }),
      );
    else
      io.out(
        `${pairs.filter((pair) => pair.reachable).length} of ${pairs.length} server pairs reachable (${verified.servers.length} servers: no matrix above ${MATRIX_SERVERS})\n`,
      );
    io.out(
      `${pairs.length} ${sampled ? `of ${sampled.totalPairs} ` : ''}pairs in ${verified.seconds.toFixed(1)} s; written to ${resultsPath}\n\n`,
    );
    if (!comparison) {
      io.err(
        `geostage: ${shown.generated.network} does not exist: nothing to compare with; run geostage generate ${env}\n`,
      );
      return EXIT.invalid;
    }
    io.out(renderComparison(comparison, pairs.length));
    for (const warning of verified.warnings) io.err(`warning: ${warning}\n`);
    return verified.agrees ? EXIT.ok : EXIT.invalid;
  },
};
