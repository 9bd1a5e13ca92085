// The measured reachability matrix: ordered server pairs (every one, or a sample's), probed from
// inside the sender's namespace by one fping per sender to all its targets, a few senders at a
// time (two cores should not decide the round-trip times). fping 5.1 (Debian 12) cannot print
// a reply's TTL, so where it is asked for, each sender reads it in one more process: a shell
// running `ping -c 1` to each target fping found reachable, one after the other. A target
// that did not answer is probed once more (its samples added), so that load is not loss.

import { execFile } from 'node:child_process';
import type { MeasuredPair } from '@geostage/environment';
import pMap from 'p-map';
import type { PingOptions } from './ping.ts';
import { fpingReachabilityCommand, parseFping, parseTtls, ttlCommand } from './probes/fping.ts';
import { median } from './statistics.ts';

export interface MeasuredServer {
  name: string;
  namespace: string;
  address: string;
}

export interface MeasureOptions extends PingOptions {
  /** Senders probing at once (default 8). */
  concurrency?: number;
  /** The ordered pairs to measure (default: every pair of distinct servers). */
  pairs?: readonly (readonly [MeasuredServer, MeasuredServer])[];
  /** Read each reachable pair's reply TTL as well (one extra process per sender). */
  ttl?: boolean;
  progress?(done: number, total: number): void;
}

const roundMs = (value: number | null) => (value === null ? null : Math.round(value * 1000) / 1000);

/** Runs a probe; no reply is a result (fping exits 1 or 2), a failure to run is thrown with its words. */
function probe(command: readonly string[], namespace: string): Promise<{ stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    execFile(
      command[0]!,
      command.slice(1),
      { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = (error as { code?: unknown } | null)?.code;
        if (error && code !== 1 && code !== 2)
          fail(new Error(`${command[4]} in ${namespace}: ${stderr.trim() || error.message}`));
        else done({ stdout, stderr });
      },
    );
  });
}

export async function measureMatrix(
  servers: readonly MeasuredServer[],
  options: MeasureOptions = {},
): Promise<MeasuredPair[]> {
  const pairs =
    options.pairs ??
    servers.flatMap((from) => servers.filter((to) => to !== from).map((to) => [from, to] as const));
  const count = options.count ?? 2;
  const bySender = new Map<MeasuredServer, MeasuredServer[]>();
  for (const [from, to] of pairs) {
    const targets = bySender.get(from) ?? [];
    targets.push(to);
    bySender.set(from, targets);
  }
  const measured = new Map<string, MeasuredPair>();
  let done = 0;
  await pMap(
    [...bySender.entries()],
    async ([from, targets]) => {
      const addresses = [...new Set(targets.map((to) => to.address))];
      const ran = await probe(fpingReachabilityCommand(from.namespace, addresses, options), from.namespace);
      const results = parseFping(ran.stderr);
      // A target without a reply gets a second fping: on two loaded cores a probe descheduled past
      // its timeout counts replies that did come as lost. Its samples are added to the first's.
      const silent = addresses.filter((address) => (results.get(address)?.received ?? 0) === 0);
      if (silent.length > 0) {
        const again = parseFping(
          (await probe(fpingReachabilityCommand(from.namespace, silent, options), from.namespace)).stderr,
        );
        for (const address of silent) {
          const first = results.get(address) ?? { sent: 0, received: 0, rttsMs: [], ttl: null };
          const second = again.get(address) ?? { sent: count, received: 0, rttsMs: [], ttl: null };
          results.set(address, {
            sent: first.sent + second.sent,
            received: first.received + second.received,
            rttsMs: [...first.rttsMs, ...second.rttsMs],
            ttl: null,
          });
        }
      }
      const reachable = addresses.filter((address) => (results.get(address)?.received ?? 0) > 0);
      const ttls =
        options.ttl && reachable.length > 0
          ? parseTtls((await probe(ttlCommand(from.namespace, reachable, options), from.namespace)).stdout)
          : new Map<string, number>();
      for (const to of targets) {
        const result = results.get(to.address) ?? { sent: count, received: 0, rttsMs: [], ttl: null };
        measured.set(`${from.name}\u0000${to.name}`, {
          from: from.name,
          to: to.name,
          reachable: result.received > 0,
          rttMs: roundMs(median(result.rttsMs)),
          ttl: result.received > 0 ? (ttls.get(to.address) ?? null) : null,
          sent: result.sent,
          received: result.received,
        });
      }
      done += targets.length;
      options.progress?.(done, pairs.length);
    },
    { concurrency: options.concurrency ?? 8 },
  );
  return pairs.map(([from, to]) => measured.get(`${from.name}\u0000${to.name}`)!);
}
