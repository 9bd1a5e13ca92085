// The formats of environments/<env>/results/, written by the measuring side and read by the
// site. results/verify.json: the reachability matrix measured in the lab. Readers rely on
// {measuredAt, pairs: [{from, to, reachable, rttMs}]}; the other fields say how it was measured.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** One ordered server pair as every reader sees it. */
export interface MeasuredReachability {
  /** Server names. */
  from: string;
  to: string;
  /** At least one echo reply came back. */
  reachable: boolean;
  /** Median round-trip time of the replies, in ms; null when none came back. */
  rttMs: number | null;
}

/** One ordered server pair as `geostage verify` writes it. */
export interface MeasuredPair extends MeasuredReachability {
  /** TTL of the first reply as the sender saw it (64 less one per router crossed). */
  ttl: number | null;
  sent: number;
  received: number;
}

/**
 * A sampled verify (`verify --sample N --seed S`): which site pairs were measured, out of how
 * many. `pairs` then holds only the sampled server pairs; a pair not in it was not measured.
 */
export interface VerifySample {
  seed: number;
  /** The site pairs measured, each [a, b]: every server pair between them both ways. */
  sitePairs: [string, string][];
  /** Site pairs there are. */
  totalSitePairs: number;
  /** Ordered server pairs there are. */
  totalPairs: number;
}

/** results/verify.json as `geostage verify` writes it. */
export interface VerifyResults {
  measuredAt: string;
  environment: string;
  /** How: the lab's namespaces, the probe (fping -C N), sampled or every pair. */
  method: string;
  /** Present when only a sample of the site pairs was measured. */
  sample?: VerifySample;
  pairs: MeasuredPair[];
}

/** results/verify.json as readers get it from parseVerify: the fields they rely on. */
export interface MeasuredMatrix {
  measuredAt: string;
  /** Present when the measurement was a sample (pairs holds only the sampled ones). */
  sample?: VerifySample;
  pairs: MeasuredReachability[];
}

function parseSample(value: unknown): VerifySample | string {
  const sample = (value ?? {}) as Record<string, unknown>;
  const sitePairs = sample.sitePairs;
  const ok =
    typeof sample.seed === 'number' &&
    typeof sample.totalSitePairs === 'number' &&
    typeof sample.totalPairs === 'number' &&
    Array.isArray(sitePairs) &&
    sitePairs.every(
      (pair) => Array.isArray(pair) && pair.length === 2 && pair.every((site) => typeof site === 'string'),
    );
  if (!ok)
    return 'results/verify.json sample needs seed, sitePairs ([site, site] each), totalSitePairs and totalPairs';
  return {
    seed: sample.seed as number,
    sitePairs: (sitePairs as [string, string][]).map(([a, b]) => [a, b]),
    totalSitePairs: sample.totalSitePairs as number,
    totalPairs: sample.totalPairs as number,
  };
}

export async function writeResults(path: string, results: VerifyResults): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(results, null, 2)}\n`);
}

/** Parses verify.json; a malformed file is reported as a message, not thrown. */
export function parseVerify(text: string): MeasuredMatrix | string {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return `results/verify.json is not JSON: ${(error as Error).message}`;
  }
  if (typeof data !== 'object' || data === null) return 'results/verify.json must be an object';
  const { measuredAt, pairs, sample } = data as Record<string, unknown>;
  if (typeof measuredAt !== 'string') return 'results/verify.json needs measuredAt (an ISO date string)';
  if (!Array.isArray(pairs)) return 'results/verify.json needs pairs (a list)';
  const parsed: MeasuredReachability[] = [];
  for (const [index, pair] of pairs.entries()) {
    const { from, to, reachable, rttMs } = (pair ?? {}) as Record<string, unknown>;
    if (typeof from !== 'string' || typeof to !== 'string' || typeof reachable !== 'boolean') {
      return `results/verify.json pairs[${index}] needs from, to (server names) and reachable (true/false)`;
    }
    parsed.push({ from, to, reachable, rttMs: typeof rttMs === 'number' ? rttMs : null });
  }
  if (sample === undefined) return { measuredAt, pairs: parsed };
  const sampled = parseSample(sample);
  if (typeof sampled === 'string') return sampled;
  return { measuredAt, sample: sampled, pairs: parsed };
}

/**
 * results/wan.json: the WAN measured in the lab (`geostage measure`), per site pair, beside
 * what the Model expects. Expected RTT is the configured round trip; `baseRttMs` is the lab's
 * own round trip on the same path with every wire at zero, so a reader compares the median
 * with expected + base.
 */
export interface WanResults {
  measuredAt: string;
  environment: string;
  /** How: probes, samples, durations, the emulator (wirefilter or netem). */
  method: string;
  /** The emulator the lab ran, or 'none' when the topology asks for no emulation. */
  emulation: 'wirefilter' | 'netem' | 'none';
  /** A quick run: fewer samples, shorter throughput tests. */
  quick: boolean;
  sitePairs: WanSitePair[];
}

export interface WanSitePair {
  /** Site names, in the Model's pair order. */
  from: string;
  to: string;
  /** The servers that measured it. */
  servers: { from: string; to: string };
  expected: { rttMs: number; rateMbps: number | null };
  baseRttMs: number | null;
  measured: {
    rttMs: { median: number; p10: number; p90: number } | null;
    /** Echo requests without a reply, percent. */
    loss: number;
    throughputMbps: number | null;
    retransmits: number | null;
  };
  agrees: boolean;
  /** Why not, one line each; empty when it agrees. */
  differences: string[];
}

export async function writeWanResults(path: string, results: WanResults): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(results, null, 2)}\n`);
}

const isNumberOrNull = (value: unknown) => value === null || typeof value === 'number';

/** Parses wan.json for readers (the site); a malformed file is a message, not an exception. */
export function parseWanResults(text: string): WanResults | string {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return `results/wan.json is not JSON: ${(error as Error).message}`;
  }
  if (typeof data !== 'object' || data === null) return 'results/wan.json must be an object';
  const results = data as Partial<WanResults>;
  if (typeof results.measuredAt !== 'string') return 'results/wan.json needs measuredAt (an ISO date string)';
  if (!Array.isArray(results.sitePairs)) return 'results/wan.json needs sitePairs (a list)';
  for (const [index, pair] of results.sitePairs.entries()) {
    const ok =
      typeof pair?.from === 'string' &&
      typeof pair.to === 'string' &&
      typeof pair.agrees === 'boolean' &&
      typeof pair.expected?.rttMs === 'number' &&
      isNumberOrNull(pair.expected.rateMbps) &&
      typeof pair.measured === 'object' &&
      pair.measured !== null &&
      isNumberOrNull(pair.measured.throughputMbps) &&
      (pair.measured.rttMs === null || typeof pair.measured.rttMs?.median === 'number');
    if (!ok)
      return `results/wan.json sitePairs[${index}] needs from, to, expected {rttMs, rateMbps}, measured {rttMs, loss, throughputMbps, retransmits} and agrees`;
  }
  return {
    measuredAt: results.measuredAt,
    environment: results.environment ?? '',
    method: results.method ?? '',
    emulation: results.emulation ?? 'none',
    quick: results.quick ?? false,
    sitePairs: results.sitePairs.map((pair) => ({ ...pair, differences: pair.differences ?? [] })),
  };
}

/**
 * results/scenarios/<name>.json: a scenario run in the lab (`geostage scenario run`). Per phase
 * the predicted and measured pairs, whether they agree, and how long after the phase's change
 * the measured matrix first equalled the prediction.
 */
export interface ScenarioResults {
  scenario: string;
  environment: string;
  startedAt: string;
  finishedAt: string;
  /** The seed random choices came from. */
  seed: number;
  /** True when the run was interrupted (SIGINT/SIGTERM) or failed before the last phase. */
  cutShort: boolean;
  /** Why it was cut short, when it was. */
  reason: string | null;
  /** Every fault was undone at the end. */
  restored: boolean;
  method: string;
  phases: ScenarioPhaseResult[];
}

export interface ScenarioPairResult {
  from: string;
  to: string;
  reachable: boolean;
}

export interface ScenarioPhaseResult {
  name: string;
  /** ISO time the phase's change was applied. */
  start: string;
  /** What the phase did, in words. */
  steps: string[];
  predicted: ScenarioPairResult[];
  measured: MeasuredReachability[];
  agrees: boolean;
  /** From the change to the first measurement equal to the prediction; null when none was. */
  convergedAfterMs: number | null;
  differing: { from: string; to: string; predicted: boolean; measured: boolean }[];
  /**
   * Where the lab emulates a WAN: per site pair the round trip the phase's WAN values give
   * (twice the one-way delay; the lab's own base round trip comes on top) and the median of
   * the measured server pairs between the two sites. Absent without emulation.
   */
  rtt?: { a: string; b: string; expectedMs: number; measuredMs: number | null }[];
}

export async function writeScenarioResults(path: string, results: ScenarioResults): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(results, null, 2)}\n`);
}

/** Parses a scenario's results for readers (the site); a malformed file is a message. */
export function parseScenarioResults(text: string): ScenarioResults | string {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return `scenario results are not JSON: ${(error as Error).message}`;
  }
  if (typeof data !== 'object' || data === null) return 'scenario results must be an object';
  const results = data as Partial<ScenarioResults>;
  if (typeof results.scenario !== 'string' || typeof results.startedAt !== 'string')
    return 'scenario results need scenario and startedAt';
  if (!Array.isArray(results.phases)) return 'scenario results need phases (a list)';
  for (const [index, phase] of results.phases.entries()) {
    const ok =
      typeof phase?.name === 'string' &&
      Array.isArray(phase.predicted) &&
      Array.isArray(phase.measured) &&
      typeof phase.agrees === 'boolean' &&
      (phase.convergedAfterMs === null || typeof phase.convergedAfterMs === 'number');
    if (!ok)
      return `scenario results phases[${index}] need name, predicted, measured, agrees and convergedAfterMs`;
  }
  return {
    scenario: results.scenario,
    environment: results.environment ?? '',
    startedAt: results.startedAt,
    finishedAt: results.finishedAt ?? results.startedAt,
    seed: results.seed ?? 1,
    cutShort: results.cutShort ?? false,
    reason: results.reason ?? null,
    restored: results.restored ?? false,
    method: results.method ?? '',
    phases: results.phases.map((phase) => ({
      ...phase,
      steps: phase.steps ?? [],
      start: phase.start ?? '',
      differing: phase.differing ?? [],
    })),
  };
}
