// geostage measure <env>: the WAN of the running lab per site pair (round trips and TCP
// throughput), written to results/wan.json and compared with what the Model expects.
import { repositoryEnvironment, writeWanResults } from '@geostage/environment';
import { measureWan, RATE_TOLERANCE, RTT_FLOOR_MS, RTT_TOLERANCE, renderWanMatrix } from '@geostage/measure';
import { formatDiagnostic } from '@geostage/schema';
import { type Command, EXIT, UsageError } from '../command.ts';
import { loadEnvironment, repositoryRoot, selectEnvironments } from '../environment.ts';

export const measure: Command = {
  name: 'measure',
  summary: 'measure the WAN in the lab per site pair (RTT, throughput) against the Model',
  help: `Usage: geostage measure <env> [--quick] [--rtt-only] [--format text|json]

With the lab up (geostage lab up <env>), measures every site pair between one server of each
site: round trips (median, p10, p90, loss) first with every WAN wire at zero (the lab's own
base: OpenVPN and the emulator's processing), then as the topology's WAN sets them; then TCP
throughput with iperf3, in rounds of pairs that share no site and no tunnel. Writes
environments/<env>/results/wan.json and compares with the Model: the median round trip within
${RTT_TOLERANCE * 100}% (at least ${RTT_FLOOR_MS} ms) of the configured round trip plus the base, throughput within
${RATE_TOLERANCE * 100}% of the configured bottleneck where one is set. A lab built with --no-wan, or a
topology without emulation, expects no added delay.

Options:
  --quick          fewer echo requests and shorter throughput runs (large environments).
  --rtt-only       round trips only, no throughput.
  --format F       text (matrices, default) or json (the results file's content).
  -h, --help       show this help.

Exit codes: 0 every pair agrees, 1 a pair disagrees (each is listed), the topology is invalid,
or no lab is up, 2 usage error, 3 the measurement could not run (the WAN is broken).`,
  options: {
    quick: { type: 'boolean' },
    'rtt-only': { type: 'boolean' },
    format: { type: 'string', default: 'text' },
  },
  async run({ values, positionals, io }) {
    if (positionals.length !== 1) throw new UsageError('name one environment');
    const format = values.format;
    if (format !== 'text' && format !== 'json')
      throw new UsageError(`--format must be text or json, not "${String(format)}"`);
    const root = repositoryRoot(io.cwd);
    const [env] = selectEnvironments(root, positionals);
    const loaded = await loadEnvironment(root, env!);
    if (!loaded.model) {
      for (const diagnostic of loaded.diagnostics) io.err(`${formatDiagnostic(diagnostic)}\n`);
      return EXIT.invalid;
    }
    const paths = repositoryEnvironment(root, env!);
    const outcome = await measureWan({
      environment: env!,
      folder: paths.folder,
      model: loaded.model,
      quick: values.quick === true,
      rttOnly: values['rtt-only'] === true,
      progress: (line) => io.err(`${line}\n`),
    });
    if (!outcome.ok) {
      io.err(`geostage: measure ${env}: ${outcome.error}\n`);
      return outcome.kind === 'wan' ? EXIT.failure : EXIT.invalid;
    }
    const { results } = outcome;
    await writeWanResults(paths.wanResults, results);
    const disagreeing = results.sitePairs.filter((pair) => !pair.agrees);
    if (format === 'json') {
      io.out(`${JSON.stringify(results, null, 2)}\n`);
    } else {
      io.out(`\n${renderWanMatrix(results.sitePairs, 'rtt')}\n`);
      if (results.sitePairs.some((pair) => pair.measured.throughputMbps !== null))
        io.out(`${renderWanMatrix(results.sitePairs, 'throughput')}\n`);
      for (const pair of disagreeing)
        io.out(`disagrees: ${pair.from} - ${pair.to}: ${pair.differences.join('; ')}\n`);
      io.out(
        `${results.sitePairs.length - disagreeing.length} of ${results.sitePairs.length} site pairs agree with the Model (${outcome.seconds.toFixed(1)} s); written to ${repositoryEnvironment('', env!).wanResults}\n`,
      );
    }
    return disagreeing.length === 0 ? EXIT.ok : EXIT.invalid;
  },
};
