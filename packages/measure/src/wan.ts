// The WAN as measured: per site pair, round-trip times between one server of each site
// (several samples: median, p10, p90, loss) and TCP throughput, compared with what the Model
// expects. Pure: the schedule, the comparison and the matrices; wan-run.ts does the measuring.
import { round } from './statistics.ts';

export interface WanProbe {
  site: string;
  server: string;
  namespace: string;
  address: string;
}

/** One site pair to measure, with what the Model expects of it. */
export interface WanPairPlan {
  from: WanProbe;
  to: WanProbe;
  /** Configured round trip along the pair's path (both directions), ms. */
  expectedRttMs: number;
  /** The path's bottleneck rate, Mbit/s; null when nothing limits it. */
  expectedRateMbps: number | null;
  /** The tunnels the path crosses: two pairs that share one are not measured at once. */
  links: string[];
}

export interface WanMeasured {
  rttMs: { median: number; p10: number; p90: number } | null;
  /** Echo requests without a reply, percent. */
  lossPercent: number;
  throughputMbps: number | null;
  retransmits: number | null;
}

export interface WanPairResult {
  from: string;
  to: string;
  expected: { rttMs: number; rateMbps: number | null };
  /** The lab's own round trip on this path with every wire at zero: processing, not distance. */
  baseRttMs: number | null;
  measured: WanMeasured;
  agrees: boolean;
  /** Why it does not agree; empty when it does. */
  differences: string[];
}

/** RTT within 15% of configured + base (at least 1 ms: below that, scheduling noise rules). */
export const RTT_TOLERANCE = 0.15;
export const RTT_FLOOR_MS = 1;
/** Throughput within 20% of the configured bottleneck. */
export const RATE_TOLERANCE = 0.2;

/**
 * Rounds of pairs that share no site and no tunnel, so that a measurement never competes with
 * another for a wire or an iperf3 server: greedy, in the order given (stable results).
 */
export function scheduleRounds<T extends { from: { site: string }; to: { site: string }; links: string[] }>(
  pairs: readonly T[],
): T[][] {
  const rounds: { pairs: T[]; used: Set<string> }[] = [];
  for (const pair of pairs) {
    const needs = [
      `site:${pair.from.site}`,
      `site:${pair.to.site}`,
      ...pair.links.map((link) => `link:${link}`),
    ];
    let round = rounds.find((candidate) => needs.every((need) => !candidate.used.has(need)));
    if (!round) {
      round = { pairs: [], used: new Set() };
      rounds.push(round);
    }
    round.pairs.push(pair);
    for (const need of needs) round.used.add(need);
  }
  return rounds.map((round) => round.pairs);
}

export function comparePair(
  plan: WanPairPlan,
  baseRttMs: number | null,
  measured: WanMeasured,
): WanPairResult {
  const differences: string[] = [];
  const expectedRtt = plan.expectedRttMs + (baseRttMs ?? 0);
  if (!measured.rttMs) {
    differences.push('no echo reply came back');
  } else {
    const allowed = Math.max(RTT_TOLERANCE * expectedRtt, RTT_FLOOR_MS);
    const off = measured.rttMs.median - expectedRtt;
    if (Math.abs(off) > allowed)
      differences.push(
        `RTT median ${measured.rttMs.median} ms, expected ${round(expectedRtt)} ms ` +
          `(${plan.expectedRttMs} configured + ${baseRttMs ?? 0} base) ± ${round(allowed)} ms`,
      );
  }
  const rate = plan.expectedRateMbps;
  if (rate !== null && measured.throughputMbps !== null) {
    const low = (1 - RATE_TOLERANCE) * rate;
    const high = (1 + RATE_TOLERANCE) * rate;
    if (measured.throughputMbps < low || measured.throughputMbps > high)
      differences.push(`throughput ${measured.throughputMbps} Mbit/s, expected ${rate} Mbit/s ± 20%`);
  }
  if (rate !== null && measured.throughputMbps === null) differences.push('throughput not measured');
  return {
    from: plan.from.site,
    to: plan.to.site,
    expected: { rttMs: plan.expectedRttMs, rateMbps: rate },
    baseRttMs,
    measured,
    agrees: differences.length === 0,
    differences,
  };
}

/** A site x site matrix of one figure: measured / expected, one row per site. */
export type MatrixPair = Pick<WanPairResult, 'from' | 'to' | 'expected' | 'baseRttMs' | 'agrees'> & {
  measured: Pick<WanMeasured, 'rttMs' | 'throughputMbps'>;
};

export function renderWanMatrix(results: readonly MatrixPair[], figure: 'rtt' | 'throughput'): string {
  const sites = [...new Set(results.flatMap((result) => [result.from, result.to]))].sort();
  const cell = new Map<string, string>();
  for (const result of results) {
    const text =
      figure === 'rtt'
        ? `${result.measured.rttMs?.median ?? '-'}/${round(result.expected.rttMs + (result.baseRttMs ?? 0), 1)}`
        : `${result.measured.throughputMbps ?? '-'}/${result.expected.rateMbps ?? '∞'}`;
    const mark = result.agrees ? '' : ' !';
    cell.set(`${result.from}\t${result.to}`, text + mark);
    cell.set(`${result.to}\t${result.from}`, text + mark);
  }
  const header = figure === 'rtt' ? 'RTT ms, measured/expected' : 'TCP Mbit/s, measured/configured';
  const rows = [
    [header, ...sites],
    ...sites.map((from) => [
      from,
      ...sites.map((to) => (from === to ? '·' : (cell.get(`${from}\t${to}`) ?? ''))),
    ]),
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return `${rows
    .map((row) =>
      row
        .map((text, column) => text.padEnd(widths[column]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')}\n`;
}
