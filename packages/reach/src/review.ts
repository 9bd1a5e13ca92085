// Reviewing a change: the generated files of two revisions are read, computed and diffed, so a
// pull request shows which server pairs it connects or cuts (reach --diff).
import { join } from 'node:path';
import { readGeneratedNetwork } from './read/files.ts';
import { readGeneratedNetworkAtRevision } from './read/revision.ts';
import { diffReports, type ReachDiff } from './report/diff.ts';
import type { ReachReport } from './report/report.ts';
import { computeReachability } from './simulate/reachability.ts';

/** Reachability at two revisions of one generated folder; `head` null means the working tree. */
export async function diffAtRevisions(
  repository: string,
  folder: string,
  base: string,
  head: string | null,
): Promise<{ base: ReachReport; head: ReachReport; diff: ReachDiff }> {
  const baseFiles = await readGeneratedNetworkAtRevision(repository, base, folder);
  const headFiles =
    head === null
      ? await readGeneratedNetwork(join(repository, folder))
      : await readGeneratedNetworkAtRevision(repository, head, folder);
  const baseReport = computeReachability(baseFiles);
  const headReport = computeReachability(headFiles);
  return { base: baseReport, head: headReport, diff: diffReports(baseReport, headReport) };
}
