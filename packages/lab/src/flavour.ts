// The lab runs every router as the Linux flavour of the same Model: VyOS images cannot run in
// a network namespace, while the Linux router files (OpenVPN, nftables, sysctl, networkd) run
// on the machine's own tools. Only the router OS changes; addresses, tunnels, routes, keys and
// ciphers are the Model's, so what the lab measures is the design, not a lab-only variant.
import type { Model } from '@geostage/schema';

export const LAB_ROUTER_RELEASE = 'debian-12';

export interface Converted {
  router: string;
  /** What the topology says, e.g. "vyos 1.2". */
  was: string;
}

export function linuxFlavour(model: Model): { model: Model; converted: Converted[] } {
  const converted: Converted[] = [];
  const sites = model.sites.map((site) => {
    if (site.router.os === 'linux') return site;
    converted.push({ router: site.router.name, was: `${site.router.os} ${site.router.release}` });
    return { ...site, router: { ...site.router, os: 'linux' as const, release: LAB_ROUTER_RELEASE } };
  });
  return { model: { ...model, sites }, converted };
}
