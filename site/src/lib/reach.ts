// The adapter to @geostage/reach: generated network files in, the site's Reachability out.
// reach keeps its matrices per server group (row i = groups[i]); the look-ups below expand a
// server pair to its groups' cell.
import { computeReachability, groupIndex, type Outcome, type ReachReport, type View } from '@geostage/reach';
import type { SiteFile } from './files.ts';
import type { Reachability } from './reachability.ts';

/** Reachability computed from generated/network alone, or a message saying why it could not be. */
export function computedReachability(files: readonly SiteFile[]): Reachability | string {
  let report: ReachReport;
  try {
    report = computeReachability(new Map(files.map((file) => [file.path, file.content ?? ''] as const)));
  } catch (error) {
    return `reach could not read generated/network: ${(error as Error).message}`;
  }
  const index = groupIndex(report);
  const rowOf = new Map(report.servers.map((server) => [server.name, index.get(server.group)] as const));
  const lookup =
    (view: View) =>
    (from: string, to: string): Outcome | undefined => {
      const source = rowOf.get(from);
      const target = rowOf.get(to);
      return source === undefined || target === undefined ? undefined : report[view].cell(source, target);
    };
  const before = lookup('before');
  const after = lookup('after');
  // Whether a pair is reachable is asked of every site pair: the fate alone, not the cell's path.
  const reachable =
    (view: View) =>
    (from: string, to: string): boolean => {
      const source = rowOf.get(from);
      const target = rowOf.get(to);
      return (
        source !== undefined && target !== undefined && report[view].fate(source, target) === 'reachable'
      );
    };
  return {
    source: 'reach',
    note: 'Computed by @geostage/reach from the generated router and server files alone, as the devices would forward.',
    before: reachable('before'),
    after: reachable('after'),
    explain: (view, from, to) => describe((view === 'before' ? before : after)(from, to)),
    warnings: report.warnings.map(
      (warning) =>
        `reach: generated/network/${warning.file}${warning.line ? `:${warning.line}` : ''}: ${warning.message}`,
    ),
  };
}

function describe(outcome: Outcome | undefined): string | undefined {
  if (!outcome) return 'not in the generated files';
  if (!outcome.reachable) {
    return `unreachable: ${outcome.reason ?? 'dropped'}${outcome.at ? ` at ${outcome.at}` : ''}${outcome.detail ? ` (${outcome.detail})` : ''}`;
  }
  const path = outcome.path.length > 0 ? ` via ${outcome.path.join(' → ')}` : ' on the same segment';
  return `reachable${path}${outcome.ttl !== null ? `, ttl ${outcome.ttl}` : ''}`;
}
