// Which sites get a tunnel, and each tunnel's slot in the pool. A slot depends only on the
// site ids of its two ends (and the hub list), never on list positions of other sites, so
// adding a site never renumbers the tunnels that already exist.
import type { Policy, Site } from './topology.ts';

export interface PlannedTunnel {
  /** Site names; `a` has the lower site id. */
  a: string;
  b: string;
  slot: number;
}

/** Site id: the explicit `id`, else the 1-based position in the sites list. */
export function siteIds(sites: readonly Pick<Site, 'name' | 'id'>[]): Map<string, number> {
  const ids = new Map<string, number>();
  sites.forEach((site, index) => {
    ids.set(site.name, site.id ?? index + 1);
  });
  return ids;
}

/** The slot of the pair of 1-based numbers low < high in a triangular enumeration. */
function triangular(low: number, high: number): number {
  return ((high - 1) * (high - 2)) / 2 + (low - 1);
}

function ordered(ids: Map<string, number>, x: string, y: string): [string, string] {
  return (ids.get(x) ?? 0) <= (ids.get(y) ?? 0) ? [x, y] : [y, x];
}

/**
 * Tunnels the policy asks for, sorted by slot.
 * - full mesh: slot of the id pair in a triangular enumeration (dense: N(N-1)/2 slots);
 * - hub-and-spoke: hub pairs first (triangular over hub positions), then spoke id x hub count + hub position;
 * - pairs: the position of the pair in the list.
 * Unknown site names are skipped: load reports them.
 */
export function plannedTunnels(
  sites: readonly Pick<Site, 'name' | 'id'>[],
  policy: Policy | undefined,
): PlannedTunnel[] {
  const ids = siteIds(sites);
  // Each name once, in order (a Set: indexOf per name was quadratic, 0.3 s at 10,000 sites).
  const names = [...new Set(sites.map((site) => site.name))];
  const tunnels: PlannedTunnel[] = [];
  const kind = policy?.type ?? 'full-mesh';
  if (kind === 'full-mesh') {
    for (const x of names) {
      for (const y of names) {
        const ix = ids.get(x)!;
        const iy = ids.get(y)!;
        if (ix < iy) tunnels.push({ a: x, b: y, slot: triangular(ix, iy) });
      }
    }
  } else if (policy?.type === 'hub-and-spoke') {
    const hubs = policy.hubs.filter((hub) => ids.has(hub));
    const reserved = (hubs.length * (hubs.length - 1)) / 2;
    hubs.forEach((q, qi) => {
      hubs.forEach((p, pi) => {
        if (pi < qi) {
          const [a, b] = ordered(ids, p, q);
          tunnels.push({ a, b, slot: triangular(pi + 1, qi + 1) });
        }
      });
    });
    for (const spoke of names) {
      if (hubs.includes(spoke)) continue;
      hubs.forEach((hub, hi) => {
        const [a, b] = ordered(ids, hub, spoke);
        tunnels.push({ a, b, slot: reserved + (ids.get(spoke)! - 1) * hubs.length + hi });
      });
    }
  } else if (policy?.type === 'pairs') {
    policy.pairs.forEach(([x, y], index) => {
      if (x === undefined || y === undefined || !ids.has(x) || !ids.has(y) || x === y) return;
      const [a, b] = ordered(ids, x, y);
      tunnels.push({ a, b, slot: index });
    });
  }
  return tunnels.sort((p, q) => p.slot - q.slot);
}

/** How many tunnel subnets of the given length the pool holds. */
export function poolCapacity(poolPrefixLength: number, tunnelPrefixLength: 30 | 31): number {
  if (poolPrefixLength > tunnelPrefixLength) return 0;
  return 2 ** (tunnelPrefixLength - poolPrefixLength);
}
