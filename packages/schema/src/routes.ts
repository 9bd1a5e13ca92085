// Routes to every remote LAN. Each router forwards along a shortest path over the tunnel
// graph; ties go to the neighbour found first: hubs in hub-list order, then by site id. So
// in hub-and-spoke every spoke reaches other spokes through its first hub.
import type { ModelRoute, ModelSite, ModelTunnel, TunnelEnd } from './model.ts';

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

/** The first hop from `source` towards every other reachable site. */
function firstHops(source: string, graph: Map<string, Hop[]>, siteCount: number): Map<string, Hop> {
  const first = new Map<string, Hop>();
  const direct = graph.get(source) ?? [];
  for (const hop of direct) if (!first.has(hop.peer)) first.set(hop.peer, hop);
  if (first.size >= siteCount - 1) return first; // a full mesh needs no search
  const seen = new Set<string>([source, ...first.keys()]);
  let frontier = [...first.keys()];
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

export function routesFor(
  site: ModelSite,
  sites: readonly ModelSite[],
  graph: Map<string, Hop[]>,
): ModelRoute[] {
  const hops = firstHops(site.name, graph, sites.length);
  const routes: ModelRoute[] = [];
  for (const other of sites) {
    const hop = hops.get(other.name);
    if (other.name === site.name || !hop) continue;
    for (const segment of other.segments) {
      routes.push({
        prefix: segment.prefix,
        interface: hop.local.interface,
        nextHop: hop.remote.address,
        site: other.name,
        via: hop.peer,
      });
    }
  }
  return routes;
}
