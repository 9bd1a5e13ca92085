// The first of the three views: which servers the Model intends to reach each other, read from
// its sites and routes alone (reach computes the second view from the generated files, measure
// the third on a running lab; the tests hold the three together).
import type { Model, ModelServer } from './model.ts';

export interface Intent {
  /** Before the VPN: the LANs alone, so a server reaches the servers of its own site. */
  before(from: string, to: string): boolean;
  /** After the VPN: both routers route to each other's segment (or both servers share a site). */
  after(from: string, to: string): boolean;
  /**
   * The routers a request crosses after the VPN, in order, following each router's route to
   * the far segment (one router within a site, three through a hub); undefined when a router
   * on the way has no route there.
   */
  routers(from: string, to: string): string[] | undefined;
}

/** What the Model intends: a server reaches another when both routers route to each other's segment. */
export function intendedReachability(model: Model): Intent {
  const serverByName = new Map(model.servers.map((server) => [server.name, server] as const));
  const siteByName = new Map(model.sites.map((site) => [site.name, site] as const));
  const segmentPrefix = new Map<string, string>();
  for (const site of model.sites) {
    for (const segment of site.segments) segmentPrefix.set(`${site.name}/${segment.name}`, segment.prefix);
  }
  const routed = new Map<string, Set<string>>();
  for (const site of model.sites)
    routed.set(site.name, new Set(site.router.routes.map((route) => route.prefix)));
  const prefixOf = (server: ModelServer) => segmentPrefix.get(`${server.site}/${server.segment}`);
  const sameSite = (from: string, to: string) => {
    const a = serverByName.get(from);
    const b = serverByName.get(to);
    return a !== undefined && b !== undefined && a.site === b.site;
  };
  return {
    before: sameSite,
    after(from, to) {
      if (sameSite(from, to)) return true;
      const a = serverByName.get(from);
      const b = serverByName.get(to);
      if (!a || !b) return false;
      const there = prefixOf(b);
      const back = prefixOf(a);
      return (
        there !== undefined &&
        back !== undefined &&
        !!routed.get(a.site)?.has(there) &&
        !!routed.get(b.site)?.has(back)
      );
    },
    routers(from, to) {
      const a = serverByName.get(from);
      const b = serverByName.get(to);
      const there = b && prefixOf(b);
      if (!a || !b || there === undefined) return undefined;
      let site = siteByName.get(a.site);
      const routers: string[] = [];
      // A route loop would never reach the far site: no path crosses more routers than there are sites.
      while (site && routers.length < model.sites.length) {
        routers.push(site.router.name);
        if (site.name === b.site) return routers;
        site = siteByName.get(site.router.routes.find((route) => route.prefix === there)?.via ?? '');
      }
      return undefined;
    },
  };
}
