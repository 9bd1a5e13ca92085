// The measurement against reach: reach reads the committed generated files (VyOS set scripts
// for VyOS routers) and computes the matrix after the VPN; the lab runs the Linux flavour of
// the same Model. Agreement means the design the files describe holds when built for real.

import type { MeasuredPair } from '@geostage/environment';
import { outcome, type ReachReport } from '@geostage/reach';

export interface Disagreement {
  from: string;
  to: string;
  /** What reach computed; null when reach does not know one of the servers. */
  computed: boolean | null;
  measured: boolean;
  /** reach's reason when it says unreachable (e.g. "tunnel-down at vyos02"). */
  why: string | null;
}

export interface TtlDifference {
  from: string;
  to: string;
  computed: number;
  measured: number;
}

export interface Comparison {
  disagreements: Disagreement[];
  /** Reachable both ways, but a different number of routers on the way: noted, not failed. */
  ttl: TtlDifference[];
  /** Servers reach knows that the lab did not measure (of the sampled sites' routers, when sampled). */
  unmeasured: string[];
}

/**
 * Over the measured pairs only. A sampled measurement names the routers of its sites, so
 * that only their servers count as unmeasured when missing.
 */
export function compareWithReach(
  pairs: readonly MeasuredPair[],
  report: ReachReport,
  sampledRouters?: ReadonlySet<string>,
): Comparison {
  const known = new Set(report.servers.map((server) => server.name));
  const measuredServers = new Set(pairs.flatMap((pair) => [pair.from, pair.to]));
  const comparison: Comparison = {
    disagreements: [],
    ttl: [],
    unmeasured: report.servers
      .filter((server) => !sampledRouters || (server.router !== null && sampledRouters.has(server.router)))
      .map((server) => server.name)
      .filter((name) => !measuredServers.has(name))
      .sort(),
  };
  for (const pair of pairs) {
    if (!known.has(pair.from) || !known.has(pair.to)) {
      comparison.disagreements.push({ ...pair, computed: null, measured: pair.reachable, why: null });
      continue;
    }
    const computed = outcome(report, 'after', pair.from, pair.to)!;
    if (computed.reachable !== pair.reachable) {
      comparison.disagreements.push({
        from: pair.from,
        to: pair.to,
        computed: computed.reachable,
        measured: pair.reachable,
        why: computed.reason ? `${computed.reason}${computed.at ? ` at ${computed.at}` : ''}` : null,
      });
    } else if (pair.reachable && computed.ttl !== null && pair.ttl !== null && computed.ttl !== pair.ttl) {
      comparison.ttl.push({ from: pair.from, to: pair.to, computed: computed.ttl, measured: pair.ttl });
    }
  }
  return comparison;
}
