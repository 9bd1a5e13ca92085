// The measured reachability matrix: every ordered pair of servers, pinged from inside the
// sender's namespace, a few pairs at a time (two cores should not decide the round-trip times).

import type { MeasuredPair } from '@geostage/environment';
import pMap from 'p-map';
import { type PingOptions, ping } from './ping.ts';
import { median } from './statistics.ts';

export interface MeasuredServer {
  name: string;
  namespace: string;
  address: string;
}

export interface MeasureOptions extends PingOptions {
  /** Pairs measured at once (default 8). */
  concurrency?: number;
  progress?(done: number, total: number): void;
}

const roundMs = (value: number | null) => (value === null ? null : Math.round(value * 1000) / 1000);

export async function measureMatrix(
  servers: readonly MeasuredServer[],
  options: MeasureOptions = {},
): Promise<MeasuredPair[]> {
  const pairs = servers.flatMap((from) =>
    servers.filter((to) => to !== from).map((to) => [from, to] as const),
  );
  let done = 0;
  return pMap(
    pairs,
    async ([from, to]): Promise<MeasuredPair> => {
      const result = await ping(from.namespace, to.address, options);
      options.progress?.(++done, pairs.length);
      return {
        from: from.name,
        to: to.name,
        reachable: result.received > 0,
        rttMs: roundMs(median(result.rttsMs)),
        ttl: result.ttl,
        sent: result.sent,
        received: result.received,
      };
    },
    { concurrency: options.concurrency ?? 8 },
  );
}
