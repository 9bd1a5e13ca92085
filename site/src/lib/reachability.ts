// Reachability as the site shows it: who reaches whom before the VPN (LANs alone) and after it.
// The numbers come from @geostage/reach, which reads the generated files like a device would;
// when generated/network is missing the site falls back to what the Model intends, and says so.
import { intendedReachability, type Model } from '@geostage/schema';

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

/** The Model's intent (@geostage/schema) as the site's fallback when generated/network is missing. */
export function modelReachability(model: Model): Reachability {
  const intent = intendedReachability(model);
  return {
    source: 'model',
    note: 'generated/network is missing, so these tables show what the topology intends (routes of the Model), not what the generated router files do.',
    warnings: [],
    before: intent.before,
    after: intent.after,
  };
}

/**
 * Site-level counts: for each ordered pair of sites, how many server pairs reach each other.
 * Counts are computed from one representative per segment when every server of a segment
 * behaves alike (true of both reach and the Model: forwarding depends on the segment only),
 * so a 1,000-site environment costs sites² × segments² look-ups, not servers².
 */
export function sitePairCounts(model: Model, reach: Reach): SitePairCounts {
  // Every site page asks for the same counts: group the servers once per Reach.
  const cached = counting.get(reach);
  if (cached?.model === model) return cached.counts;
  const counts = countSitePairs(model, reach);
  counting.set(reach, { model, counts });
  return counts;
}

export interface SitePairCounts {
  get(from: string, to: string): SitePairCount;
}

const counting = new WeakMap<Reach, { model: Model; counts: SitePairCounts }>();

function countSitePairs(model: Model, reach: Reach): SitePairCounts {
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
