// geostage reach: which servers reach which, computed from the generated device files alone
// (before and after the VPN), and with --diff, what a change does to that.
import { closeSync, existsSync, openSync, writeSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { repositoryEnvironment } from '@geostage/environment';
import {
  computeReachability,
  diffAtRevisions,
  MAX_GROUPS,
  ReachLimitError,
  type ReachReport,
  readGeneratedNetwork,
  renderDiff,
  renderMatrix,
  type View,
  writeReportJson,
} from '@geostage/reach';
import { type Command, EXIT, positiveInteger, UsageError } from '../command.ts';
import { repositoryRoot, selectEnvironments } from '../environment.ts';

/** Up to this many tunnels, the text view lists each one. */
const TUNNELS_LISTED = 40;

export const reach: Command = {
  name: 'reach',
  summary: 'reachability matrices (before/after the VPN) from the generated files',
  help: `Usage: geostage reach <env> [--before|--after|--both] [--format text|json] [--output FILE]
       geostage reach <env> --diff <git-ref> [--format text|json] [--output FILE]

Reads environments/<env>/generated/network/ back like the devices would (VyOS set scripts,
Linux router files, netplan), follows every server pair there and back, and prints the
reachability matrix: o reachable, x not, - the server itself, grouped by router. "Before"
is the same files with every tunnel removed. Lines reach does not understand are printed as
warnings with file:line on stderr.

With --diff, compares the generated files at <git-ref> (e.g. origin/main) with the working
tree and lists every server pair that gains or loses reachability, and every reachable pair
whose path changes tunnels.

Options:
  --before, --after, --both   which matrix to print (default both; JSON always has both).
  --format text|json          text (default), or the reachability.json document, version 3:
                              per view ("before", "after") and host, its runs over the
                              destination "positions" as [host, start, step, ...] ("sending"
                              for the groups' "senders", "passing" for the hosts on the way),
                              the steps numbered in "steps" (fields in "stepFields"). A cell
                              is the runs followed from its row's sender to its column's
                              "targets" and back; readReportJson in @geostage/reach does it.
                              Linear in hosts and routes: 10,000 sites are about 40 MB.
                              With --diff: the list of changes.
  --output FILE               write there instead of to stdout.
  --diff REF                  the reviewer's view against a git revision.
  --width N                   terminal width for the matrix (default 120); wider
                              environments print one row per server group instead.
  --max-groups N              the text view counts every group pair (a byte per pair and
                              view, 1 GB at the default): it refuses (exit 1) above N server
                              groups (default ${MAX_GROUPS}). JSON has no limit.
  -h, --help                  show this help.

Exit codes: 0 ok, 1 no generated files or more groups than --max-groups, 2 usage error, 3 a file could not be read (the cause and
path are printed).`,
  options: {
    before: { type: 'boolean' },
    after: { type: 'boolean' },
    both: { type: 'boolean' },
    format: { type: 'string', default: 'text' },
    output: { type: 'string' },
    diff: { type: 'string' },
    width: { type: 'string', default: '120' },
    'max-groups': { type: 'string', default: String(MAX_GROUPS) },
  },
  async run({ values, positionals, io }) {
    const format = values.format;
    if (format !== 'text' && format !== 'json')
      throw new UsageError(`--format must be text or json, not "${String(format)}"`);
    if (positionals.length !== 1) throw new UsageError('name one environment');
    const width = positiveInteger(values, 'width', { minimum: 20, must: 'a number of columns' });
    const maxGroups = positiveInteger(values, 'max-groups');
    const chosen = (['before', 'after', 'both'] as const).filter((view) => values[view] === true);
    if (chosen.length > 1) throw new UsageError('choose one of --before, --after and --both');
    const views: View[] =
      chosen[0] === 'before' ? ['before'] : chosen[0] === 'after' ? ['after'] : ['before', 'after'];

    const root = repositoryRoot(io.cwd);
    const [env] = selectEnvironments(root, positionals);
    const folder = repositoryEnvironment('', env!).generated.network;
    if (!existsSync(join(root, folder))) {
      io.err(`geostage: ${folder} does not exist; run geostage generate ${env}\n`);
      return EXIT.invalid;
    }
    const emit = async (text: string) => {
      if (typeof values.output === 'string') await writeFile(resolve(io.cwd, values.output), text);
      else io.out(text);
    };
    const warn = (report: ReachReport, label: string) => {
      for (const warning of report.warnings) {
        io.err(
          `${folder}/${warning.file}${warning.line ? `:${warning.line}` : ''}: warning${label}: ${warning.message}\n`,
        );
      }
    };

    if (typeof values.diff === 'string') {
      const { base, head, diff } = await diffAtRevisions(root, folder, values.diff, null);
      warn(head, '');
      if (base.servers.length === 0) io.err(`geostage: ${folder} has no servers at ${values.diff}\n`);
      await emit(
        format === 'json'
          ? `${JSON.stringify({ environment: env, base: values.diff, ...diff }, null, 2)}\n`
          : renderDiff(diff, `${env}: reachability of the working tree against ${values.diff}`),
      );
      return EXIT.ok;
    }

    const report = computeReachability(await readGeneratedNetwork(join(root, folder)), { maxGroups });
    warn(report, '');
    if (format === 'json') {
      // In pieces: the document of 1,000 sites is tens of megabytes.
      if (typeof values.output === 'string') {
        const file = openSync(resolve(io.cwd, values.output), 'w');
        try {
          writeReportJson(report, (piece) => writeSync(file, piece));
          writeSync(file, '\n');
        } finally {
          closeSync(file);
        }
      } else {
        writeReportJson(report, (piece) => io.out(piece));
        io.out('\n');
      }
      return EXIT.ok;
    }
    // Every tunnel while they fit a screen; above that the ones down only (JSON lists them all).
    const listed =
      report.tunnels.length <= TUNNELS_LISTED
        ? report.tunnels
        : report.tunnels.filter((tunnel) => !tunnel.up);
    const tunnels = listed.map(
      (tunnel) =>
        `  ${tunnel.up ? 'up  ' : 'down'} ${tunnel.name}${tunnel.up ? '' : `: ${tunnel.problems.join('; ')}`}`,
    );
    if (listed.length < report.tunnels.length)
      tunnels.push(
        `  (${report.tunnels.length - listed.length} tunnels up, not listed: --format json lists every tunnel)`,
      );
    // The text view counts every cell (RunMatrix.fate): that, not the report, has a limit.
    let matrices: string[];
    try {
      matrices = views.map((view) => renderMatrix(report, view, { width }));
    } catch (error) {
      if (!(error instanceof ReachLimitError)) throw error;
      io.err(`geostage: reach: ${env}: ${error.message}\n`);
      return EXIT.invalid;
    }
    await emit(
      [
        `${env}: ${report.servers.length} servers, ${report.routers.length} routers, ${report.tunnels.filter((tunnel) => tunnel.up).length} of ${report.tunnels.length} tunnels up`,
        ...tunnels,
        '',
        ...matrices,
      ].join('\n'),
    );
    return EXIT.ok;
  },
};
