// Routes to every remote LAN. Each router forwards along a shortest path over the tunnel
// graph; ties go to the neighbour found first: hubs in hub-list order, then by site id. So
// in hub-and-spoke every spoke reaches other spokes through its first hub.
import { formatPrefix, type Prefix } from './addressing.ts';
import { type Block, blockSites, mergeSiblings, withoutMembers } from './forwarding.ts';
import type { ModelForwardingRoute, ModelRoute, ModelSite, ModelTunnel, TunnelEnd } from './model.ts';

interface Hop {
  peer: string;
  local: TunnelEnd;
  remote: TunnelEnd;
}

export function adjacency(
  tunnels: readonly ModelTunnel[],
  priority: (site: string) => number,
): Map<string, Hop[]> {
  const graph = new Map<string, Hop[]>();
  const add = (local: TunnelEnd, remote: TunnelEnd) => {
    const hops = graph.get(local.site) ?? [];
    hops.push({ peer: remote.site, local, remote });
    graph.set(local.site, hops);
  };
  for (const tunnel of tunnels) {
    add(tunnel.a, tunnel.b);
    add(tunnel.b, tunnel.a);
  }
  for (const hops of graph.values()) hops.sort((x, y) => priority(x.peer) - priority(y.peer));
  return graph;
}

/** A site's tunnels to its neighbours, the first to each neighbour, in priority order. */
function neighbourHops(source: string, graph: Map<string, Hop[]>): Hop[] {
  const seen = new Set<string>();
  const hops: Hop[] = [];
  for (const hop of graph.get(source) ?? []) {
    if (seen.has(hop.peer)) continue;
    seen.add(hop.peer);
    hops.push(hop);
  }
  return hops;
}

/**
 * For every site: the index, among `neighbours`, of the first hop towards it. A breadth-first
 * search from a source whose neighbours these are; the source itself comes out reached too
 * (through whichever neighbour reaches it first), and the caller leaves it out: its own
 * neighbours are all seen by then, so reaching it changes nothing else.
 */
function firstHopIndices(neighbours: readonly string[], graph: Map<string, Hop[]>, siteCount: number) {
  const first = new Map<string, number>();
  neighbours.forEach((peer, index) => {
    first.set(peer, index);
  });
  if (first.size >= siteCount - 1) return first; // a full mesh needs no search
  const seen = new Set<string>(neighbours);
  let frontier = [...neighbours];
  while (frontier.length > 0) {
    const next: string[] = [];
    for (const site of frontier) {
      for (const hop of graph.get(site) ?? []) {
        if (seen.has(hop.peer)) continue;
        seen.add(hop.peer);
        first.set(hop.peer, first.get(site)!);
        next.push(hop.peer);
      }
    }
    frontier = next;
  }
  return first;
}

interface Plan {
  /** site -> index of its first hop among the neighbours. */
  first: Map<string, number>;
  /** Per neighbour index: the merged blocks of every LAN reached through it (the source's own too). */
  blocks: Block[][];
  /** Per merged block: its prefix and sites, worked out once for every site that shares the plan. */
  shown: Map<Block, { prefix: string; sites: string[] }>;
}

/**
 * Routes and forwarding tables for every site. Sites with the same neighbours in the same order
 * (every spoke of a hub) share one search and one set of merged blocks, less their own LANs, so
 * that a hub-and-spoke of N sites costs about N, not N^2: `routes`, one per remote LAN, are made
 * only when read.
 */
export function routePlanner(
  sites: readonly ModelSite[],
  graph: Map<string, Hop[]>,
  prefixOf: (prefix: string) => Prefix,
) {
  const plans = new Map<string, Plan>();
  const members = new Map(
    sites.map((site) => [
      site.name,
      site.segments.map((segment) => {
        const prefix = prefixOf(segment.prefix);
        return { network: prefix.network, length: prefix.length, site: site.name };
      }),
    ]),
  );
  const planOf = (neighbours: readonly string[]): Plan => {
    const key = neighbours.join('\n');
    let plan = plans.get(key);
    if (!plan) {
      const first = firstHopIndices(neighbours, graph, sites.length);
      const reached: Block[][] = neighbours.map(() => []);
      for (const site of sites) {
        const index = first.get(site.name);
        if (index === undefined) continue;
        for (const member of members.get(site.name)!)
          reached[index]!.push({ network: member.network, length: member.length, members: [member] });
      }
      const blocks = reached.map(mergeSiblings);
      const shown = new Map(
        blocks
          .flat()
          .map((block) => [block, { prefix: formatPrefix(block), sites: blockSites(block) }] as const),
      );
      plan = { first, blocks, shown };
      plans.set(key, plan);
    }
    return plan;
  };
  // A block split around a site's own LANs: its pieces are shared (withoutMembers makes each
  // once), and so is what they show.
  const pieces = new Map<Block, { prefix: string; sites: string[] }>();
  const shown = (plan: Plan, block: Block) => {
    let seen = plan.shown.get(block) ?? pieces.get(block);
    if (!seen) {
      seen = { prefix: formatPrefix(block), sites: blockSites(block) };
      pieces.set(block, seen);
    }
    return seen;
  };
  return {
    /** Routes to every remote LAN prefix, sorted by prefix (ties in site order). */
    routes(site: ModelSite): ModelRoute[] {
      const hops = neighbourHops(site.name, graph);
      const { first } = planOf(hops.map((hop) => hop.peer));
      const routes: { route: ModelRoute; network: number }[] = [];
      for (const other of sites) {
        const index = first.get(other.name);
        if (other.name === site.name || index === undefined) continue;
        const hop = hops[index]!;
        for (const segment of other.segments) {
          routes.push({
            route: {
              prefix: segment.prefix,
              interface: hop.local.interface,
              nextHop: hop.remote.address,
              site: other.name,
              via: hop.peer,
            },
            network: prefixOf(segment.prefix).network,
          });
        }
      }
      return routes.sort((x, y) => x.network - y.network).map(({ route }) => route);
    },
    /** What the router is configured with: the routes with siblings through one tunnel merged. */
    forwarding(site: ModelSite): ModelForwardingRoute[] {
      const hops = neighbourHops(site.name, graph);
      const plan = planOf(hops.map((hop) => hop.peer));
      const own = plan.first.get(site.name);
      const table: (ModelForwardingRoute & { network: number })[] = [];
      plan.blocks.forEach((blocks, index) => {
        const hop = hops[index]!;
        const kept = index === own ? withoutMembers(blocks, members.get(site.name)!) : blocks;
        for (const block of kept) {
          const { prefix, sites: covered } = shown(plan, block);
          table.push({
            prefix,
            network: block.network,
            interface: hop.local.interface,
            nextHop: hop.remote.address,
            via: hop.peer,
            sites: covered,
          });
        }
      });
      return table.sort((a, b) => a.network - b.network).map(({ network: _network, ...route }) => route);
    },
  };
}
