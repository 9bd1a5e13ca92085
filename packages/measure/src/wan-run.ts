// `geostage measure`: the WAN of a running lab, per site pair. One server per site measures
// (the first by name); every pair gets round trips with every wire at zero (the lab's own base:
// OpenVPN and the emulator's processing), then with the wires as the Model set them, then TCP
// throughput in rounds of pairs that share no site or tunnel. The wires are restored even when
// a step fails. Refuses a lab whose WAN is not what the topology asks for.
import { execFile } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { WanResults, WanSitePair } from '@geostage/environment';
import { type LabState, readInventory, wanProblems, zeroWan } from '@geostage/lab';
import type { Model } from '@geostage/schema';
import pMap from 'p-map';
import type { PingResult } from './ping.ts';
import { fpingCommand, parseFping } from './probes/fping.ts';
import { iperfClientCommand, iperfServerCommand, parseIperf } from './probes/iperf.ts';
import { median, percentile, round } from './statistics.ts';
import { comparePair, scheduleRounds, type WanMeasured, type WanPairPlan, type WanProbe } from './wan.ts';

export interface MeasureWanOptions {
  environment: string;
  /** Absolute path of environments/<env>. */
  folder: string;
  model: Model;
  /** Fewer samples and shorter throughput runs, for large environments. */
  quick?: boolean;
  /** No throughput (RTT and loss only). */
  rttOnly?: boolean;
  progress(line: string): void;
}

export type MeasureWanOutcome =
  | { ok: false; kind: 'no-lab' | 'incomplete' | 'outdated' | 'wan'; error: string }
  | { ok: true; results: WanResults; seconds: number };

export const SAMPLES = { full: 20, quick: 6 } as const;
export const IPERF_SECONDS = { full: 4, quick: 2 } as const;

/** Pure: the site pairs to measure, each with its probes and what the Model expects. */
export function planWanPairs(model: Model, state: LabState): WanPairPlan[] | string {
  const emulated = state.wan?.mode === 'emulated';
  const probes = new Map<string, WanProbe>();
  for (const server of [...state.servers].sort((a, b) => a.name.localeCompare(b.name))) {
    if (!probes.has(server.site))
      probes.set(server.site, {
        site: server.site,
        server: server.name,
        namespace: server.namespace,
        address: server.address,
      });
  }
  const missing = model.sites.filter((site) => !probes.has(site.name)).map((site) => site.name);
  if (missing.length > 0) return `sites without a server to measure from: ${missing.join(', ')}`;
  return model.wan.paths.map((path) => ({
    from: probes.get(path.a)!,
    to: probes.get(path.b)!,
    expectedRttMs: emulated ? path.rttMs : 0,
    expectedRateMbps: emulated ? path.rateMbps.value : null,
    links: path.tunnels,
  }));
}

const output = (
  command: readonly string[],
  timeoutMs: number,
): Promise<{ stdout: string; stderr: string; error: string | null }> =>
  new Promise((done) => {
    execFile(
      command[0]!,
      command.slice(1),
      { encoding: 'utf8', timeout: timeoutMs },
      (error, stdout, stderr) =>
        done({ stdout, stderr, error: error ? stderr.trim() || error.message : null }),
    );
  });

/** Every pair's round trips: one fping per measuring site to all its pairs' far ends. */
async function roundTrips(pairs: readonly WanPairPlan[], count: number): Promise<PingResult[]> {
  const bySource = new Map<string, WanPairPlan[]>();
  for (const pair of pairs)
    bySource.set(pair.from.namespace, [...(bySource.get(pair.from.namespace) ?? []), pair]);
  const found = new Map<WanPairPlan, PingResult>();
  // A few sites at a time: two busy cores should not decide the round-trip times.
  await pMap(
    [...bySource.entries()],
    async ([namespace, group]) => {
      const ran = await output(
        fpingCommand(
          namespace,
          group.map((pair) => pair.to.address),
          count,
        ),
        60_000,
      );
      const parsed = parseFping(ran.stderr);
      for (const pair of group)
        found.set(pair, parsed.get(pair.to.address) ?? { sent: count, received: 0, rttsMs: [], ttl: null });
    },
    { concurrency: 3 },
  );
  return pairs.map((pair) => found.get(pair)!);
}

/**
 * One client run; an iperf3 server still closing the previous round's test answers "busy", so
 * that is tried again a few times before it counts as a failure.
 */
async function throughputOf(
  pair: WanPairPlan,
  seconds: number,
): Promise<{ throughputMbps: number; retransmits: number } | string> {
  for (let attempt = 1; ; attempt++) {
    const ran = await output(
      iperfClientCommand(pair.from.namespace, pair.to.address, seconds),
      (seconds + 15) * 1000,
    );
    const parsed = parseIperf(ran.stdout);
    if (typeof parsed !== 'string') return parsed;
    if (!parsed.includes('busy') || attempt === 5) return ran.error ? `${parsed} (${ran.error})` : parsed;
    await new Promise((done) => setTimeout(done, 500 * attempt));
  }
}

async function throughputs(
  pairs: readonly WanPairPlan[],
  lab: string,
  seconds: number,
  progress: (line: string) => void,
): Promise<Map<WanPairPlan, { throughputMbps: number; retransmits: number } | string>> {
  const results = new Map<WanPairPlan, { throughputMbps: number; retransmits: number } | string>();
  const receivers = [...new Map(pairs.map((pair) => [pair.to.namespace, pair.to])).values()];
  const pidFile = (probe: WanProbe) => join(lab, 'run', `iperf3-${probe.server}.pid`);
  try {
    for (const probe of receivers) {
      const started = await output(iperfServerCommand(probe.namespace, pidFile(probe)), 10_000);
      if (started.error) throw new Error(`iperf3 server on ${probe.server}: ${started.error}`);
    }
    await new Promise((done) => setTimeout(done, 300));
    const rounds = scheduleRounds(pairs);
    for (const [index, round] of rounds.entries()) {
      progress(
        `throughput: round ${index + 1} of ${rounds.length} (${round.map((pair) => `${pair.from.site}->${pair.to.site}`).join(', ')})`,
      );
      await Promise.all(
        round.map(async (pair) => {
          results.set(pair, await throughputOf(pair, seconds));
        }),
      );
    }
  } finally {
    for (const probe of receivers) {
      const pid = Number.parseInt(await readFile(pidFile(probe), 'utf8').catch(() => ''), 10);
      if (Number.isInteger(pid)) {
        try {
          process.kill(pid, 'SIGTERM');
        } catch {}
      }
      await rm(pidFile(probe), { force: true });
    }
  }
  return results;
}

const summary = (result: PingResult): WanMeasured['rttMs'] => {
  const middle = median(result.rttsMs);
  if (middle === null) return null;
  return {
    median: round(middle),
    p10: round(percentile(result.rttsMs, 0.1)!),
    p90: round(percentile(result.rttsMs, 0.9)!),
  };
};

// One piece because it is the measurement's timeline: check, base, emulated, throughput, compare.
export async function measureWan(options: MeasureWanOptions): Promise<MeasureWanOutcome> {
  const { model, progress } = options;
  const read = await readInventory(options.folder, options.environment);
  if (!read.ok) return read;
  const { state, inventory } = read;
  const wan = state.wan;
  if (model.wan.emulate !== 'none' && !wan)
    return {
      ok: false,
      kind: 'outdated',
      error: `the lab of ${options.environment} was made before geostage emulated the WAN; run geostage lab down ${options.environment} and lab up again`,
    };
  const problems = wanProblems(wan);
  if (problems.length > 0)
    return { ok: false, kind: 'wan', error: `the lab's WAN is broken: ${problems.join('; ')}` };
  const planned = planWanPairs(model, state);
  if (typeof planned === 'string') return { ok: false, kind: 'wan', error: planned };
  const started = Date.now();
  const quick = options.quick ?? false;
  const samples = quick ? SAMPLES.quick : SAMPLES.full;
  const emulated = wan?.mode === 'emulated';
  progress(
    `measure ${options.environment}: ${planned.length} site pairs, ${samples} echo requests each${options.rttOnly ? '' : `, ${quick ? IPERF_SECONDS.quick : IPERF_SECONDS.full} s of TCP each`}; WAN ${emulated ? `emulated by ${wan!.mechanism}` : wan?.mode === 'off' ? 'off (lab up --no-wan)' : 'not emulated (the topology asks for none)'}`,
  );
  // Warm up: the first packets through a wire wait for ARP on both of its sides.
  await roundTrips(planned, 2);
  let base: PingResult[];
  if (emulated) {
    const restore = await zeroWan(wan!);
    try {
      progress("base: every wire at zero, the lab's own round trip per pair");
      base = await roundTrips(planned, samples);
    } finally {
      await restore();
    }
  } else {
    base = await roundTrips(planned, samples);
  }
  progress('round trips: the wires as the Model set them');
  const measuredRtt = emulated ? await roundTrips(planned, samples) : base;
  // Quick: throughput only where the Model sets a bottleneck to hold it to.
  const throughputPairs = quick ? planned.filter((pair) => pair.expectedRateMbps !== null) : planned;
  const rates =
    options.rttOnly || throughputPairs.length === 0
      ? new Map()
      : await throughputs(
          throughputPairs,
          inventory.folder,
          quick ? IPERF_SECONDS.quick : IPERF_SECONDS.full,
          progress,
        );
  const sitePairs: WanSitePair[] = planned.map((pair, index) => {
    const rtt = measuredRtt[index]!;
    const rate = rates.get(pair);
    const measured: WanMeasured = {
      rttMs: summary(rtt),
      lossPercent: rtt.sent > 0 ? round((100 * (rtt.sent - rtt.received)) / rtt.sent, 1) : 100,
      throughputMbps: rate && typeof rate !== 'string' ? rate.throughputMbps : null,
      retransmits: rate && typeof rate !== 'string' ? rate.retransmits : null,
    };
    const baseMedian = median(base[index]!.rttsMs);
    const compared = comparePair(
      pair,
      emulated && baseMedian !== null ? round(baseMedian) : emulated ? null : 0,
      measured,
    );
    if (typeof rate === 'string') compared.differences.push(`throughput: ${rate}`);
    return {
      from: compared.from,
      to: compared.to,
      servers: { from: pair.from.server, to: pair.to.server },
      expected: compared.expected,
      baseRttMs: compared.baseRttMs,
      measured: {
        rttMs: measured.rttMs,
        loss: measured.lossPercent,
        throughputMbps: measured.throughputMbps,
        retransmits: measured.retransmits,
      },
      agrees: compared.agrees && typeof rate !== 'string',
      differences: compared.differences,
    };
  });
  const results: WanResults = {
    measuredAt: new Date().toISOString(),
    environment: options.environment,
    method: `lab (${state.prefix}*): fping -C ${samples} -p 50 from one server per site to the others; base with every wire at zero${options.rttOnly ? '' : `; iperf3 TCP ${quick ? IPERF_SECONDS.quick : IPERF_SECONDS.full} s (1 s omitted) in rounds sharing no site or tunnel${quick ? ', only where a rate is configured' : ''}`}`,
    emulation: emulated ? wan!.mechanism! : 'none',
    quick,
    sitePairs,
  };
  return { ok: true, results, seconds: (Date.now() - started) / 1000 };
}
