// Table rows for the pages, built from the Model: the thesis's tables 4.2-4.5 and the summaries
// that replace server-level tables in large environments. Pure functions of plain data.
import type { Model, ModelSite, ModelTunnel } from '@geostage/schema';
import type { Environment } from './environments.ts';
import { type Reach, sitePairCounts } from './reachability.ts';

export function interfaceName(segment: { interface: string; tagged: boolean; vlan: number | null }): string {
  return segment.tagged && segment.vlan !== null ? `${segment.interface}.${segment.vlan}` : segment.interface;
}

export interface InterfaceRow {
  router: string;
  site: string;
  interface: string;
  address: string;
  network: string;
  purpose: string;
}

/**
 * Every interface of a router: WAN, one per segment, one per tunnel (thesis table 4.3).
 * `tunnels` may be narrowed to the site's (Environment.tunnelsBySite) so that a page per site
 * does not scan every tunnel.
 */
export function routerInterfaces(
  model: Model,
  site: ModelSite,
  tunnels: readonly ModelTunnel[] = model.tunnels,
): InterfaceRow[] {
  const router = site.router;
  const rows: InterfaceRow[] = [
    {
      router: router.name,
      site: site.name,
      interface: router.wan.interface,
      address: router.wan.address,
      network: router.wan.prefix,
      purpose: `WAN (underlay)${router.wan.nat ? ', behind NAT' : ''}${router.wan.gateway ? `, gateway ${router.wan.gateway}` : ''}`,
    },
  ];
  for (const segment of site.segments) {
    rows.push({
      router: router.name,
      site: site.name,
      interface: interfaceName(segment),
      address: `${segment.gateway}/${segment.prefixLength}`,
      network: segment.prefix,
      purpose: `LAN ${segment.name}${segment.vlan !== null ? ` (VLAN ${segment.vlan}${segment.tagged ? ', tagged' : ''})` : ''}`,
    });
  }
  const length = model.vpn.prefixLength;
  for (const tunnel of tunnels) {
    for (const [end, far] of [
      [tunnel.a, tunnel.b],
      [tunnel.b, tunnel.a],
    ] as const) {
      if (end.site !== site.name) continue;
      rows.push({
        router: router.name,
        site: site.name,
        interface: end.interface,
        address: `${end.address}/${length}`,
        network: tunnel.subnet,
        purpose: `tunnel to ${far.site} (${far.router} ${far.address}), udp ${end.port}`,
      });
    }
  }
  return rows;
}

export interface SiteSummary {
  site: string;
  servers: number;
  controlPlanes: number;
  workers: number;
  /** Other sites all of whose servers this site's servers reach, before and after the VPN. */
  before: number;
  after: number;
  /** Other sites reached only in part or not at all after the VPN. */
  unreachedAfter: string[];
}

const summaries = new WeakMap<Environment, Map<string, SiteSummary>>();

/**
 * One line per site; computed once per environment (sites² × segments² look-ups). Without
 * reachability (too large, scale.ts) the reach columns are 0 and none are listed.
 */
export function siteSummaries(environment: Environment): Map<string, SiteSummary> {
  const cached = summaries.get(environment);
  if (cached) return cached;
  const model = environment.model;
  const reachability = environment.reachability;
  const result = new Map<string, SiteSummary>();
  if (!model) return result;
  const before = reachability ? sitePairCounts(model, reachability.before) : null;
  const after = reachability ? sitePairCounts(model, reachability.after) : null;
  const counts = new Map<string, { servers: number; controlPlanes: number; workers: number }>();
  for (const site of model.sites) counts.set(site.name, { servers: 0, controlPlanes: 0, workers: 0 });
  for (const server of model.servers) {
    const count = counts.get(server.site);
    if (!count) continue;
    count.servers += 1;
    if (server.roles.includes('control-plane')) count.controlPlanes += 1;
    if (server.roles.includes('worker')) count.workers += 1;
  }
  for (const site of model.sites) {
    let reachedBefore = 0;
    let reachedAfter = 0;
    const unreachedAfter: string[] = [];
    for (const other of before && after ? model.sites : []) {
      if (other === site) continue;
      const b = before!.get(site.name, other.name);
      const a = after!.get(site.name, other.name);
      if (b.total > 0 && b.reachable === b.total) reachedBefore += 1;
      if (a.total > 0 && a.reachable === a.total) reachedAfter += 1;
      else if (a.total > 0) unreachedAfter.push(other.name);
    }
    result.set(site.name, {
      site: site.name,
      ...counts.get(site.name)!,
      before: reachedBefore,
      after: reachedAfter,
      unreachedAfter,
    });
  }
  summaries.set(environment, result);
  return result;
}

/** A site-by-site cell: `o` all server pairs reach, `x` none, `k/n` some; `-` on the diagonal. */
export function siteCell(model: Model, reach: Reach): (from: string, to: string) => string {
  const counts = sitePairCounts(model, reach);
  return (from, to) => {
    const count = counts.get(from, to);
    if (count.total === 0) return '-';
    if (count.reachable === count.total) return 'o';
    if (count.reachable === 0) return 'x';
    return `${count.reachable}/${count.total}`;
  };
}

/** Servers in display order: by site, then as the topology lists them. */
export function serverOrder(model: Model): string[] {
  const siteIndex = new Map(model.sites.map((site, index) => [site.name, index] as const));
  return model.servers
    .map((server, index) => ({ server, index }))
    .sort((x, y) => siteIndex.get(x.server.site)! - siteIndex.get(y.server.site)! || x.index - y.index)
    .map(({ server }) => server.name);
}

export function roleText(role: string): string {
  return role.replace('-', ' ');
}
