// Reachability as the site shows it: who reaches whom before the VPN (LANs alone) and after it.
// The numbers come from @geostage/reach, which reads the generated files like a device would;
// when generated/network is missing the site falls back to what the Model intends, and says so.
import type { Model } from '@geostage/schema';

export type Reach = (from: string, to: string) => boolean;

export interface Reachability {
  /** Where the answer came from: `reach` (generated files) or `model` (the topology's intent). */
  source: 'reach' | 'model';
  /** One sentence for the page saying how the tables were computed. */
  note: string;
  before: Reach;
  after: Reach;
  /** A sentence on one cell (path, TTL, or why not), for the cell's title; reach only. */
  explain?: (view: 'before' | 'after', from: string, to: string) => string | undefined;
  /** Lines reach did not understand or settings that make devices behave oddly. */
  warnings: string[];
}

export interface SitePairCount {
  reachable: number;
  total: number;
}

/** What the Model intends: a server reaches another when both routers route to each other's segment. */
export function intendedReachability(model: Model): Reachability {
  const serverByName = new Map(model.servers.map((server) => [server.name, server] as const));
  const segmentPrefix = new Map<string, string>();
  for (const site of model.sites) {
    for (const segment of site.segments) segmentPrefix.set(`${site.name}/${segment.name}`, segment.prefix);
  }
  const routed = new Map<string, Set<string>>();
  for (const site of model.sites) routed.set(site.name, new Set(site.router.routes.map((route) => route.prefix)));
  const prefixOf = (name: string) => {
    const server = serverByName.get(name);
    return server ? segmentPrefix.get(`${server.site}/${server.segment}`) : undefined;
  };
  const sameSite = (from: string, to: string) => {
    const a = serverByName.get(from);
    const b = serverByName.get(to);
    return a !== undefined && b !== undefined && a.site === b.site;
  };
  return {
    source: 'model',
    note: 'generated/network is missing, so these tables show what the topology intends (routes of the Model), not what the generated router files do.',
    warnings: [],
    before: sameSite,
    after: (from, to) => {
      if (sameSite(from, to)) return true;
      const a = serverByName.get(from);
      const b = serverByName.get(to);
      if (!a || !b) return false;
      const there = prefixOf(to);
      const back = prefixOf(from);
      return there !== undefined && back !== undefined && !!routed.get(a.site)?.has(there) && !!routed.get(b.site)?.has(back);
    },
  };
}

/**
 * Site-level counts: for each ordered pair of sites, how many server pairs reach each other.
 * Counts are computed from one representative per segment when every server of a segment
 * behaves alike (true of both reach and the Model: forwarding depends on the segment only),
 * so a 1,000-site environment costs sites² × segments² look-ups, not servers².
 */
export function sitePairCounts(
  model: Model,
  reach: Reach,
): { get(from: string, to: string): SitePairCount } {
  interface Group {
    representative: string;
    /** A second server of the segment, to ask whether servers of one segment reach each other. */
    second: string | null;
    size: number;
  }
  const groups = new Map<string, Map<string, Group>>();
  for (const site of model.sites) groups.set(site.name, new Map());
  for (const server of model.servers) {
    const bySegment = groups.get(server.site);
    const group = bySegment?.get(server.segment);
    if (group) {
      group.size += 1;
      group.second ??= server.name;
    } else bySegment?.set(server.segment, { representative: server.name, second: null, size: 1 });
  }
  return {
    get(from, to) {
      let reachable = 0;
      let total = 0;
      for (const a of groups.get(from)?.values() ?? []) {
        for (const b of groups.get(to)?.values() ?? []) {
          // Within one segment, a server does not count itself.
          const pairs = a === b ? a.size * (a.size - 1) : a.size * b.size;
          total += pairs;
          const target = a === b ? a.second : b.representative;
          if (pairs > 0 && target !== null && reach(a.representative, target)) reachable += pairs;
        }
      }
      return { reachable, total };
    },
  };
}
