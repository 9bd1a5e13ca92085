// How the operator reaches each host. The operator sits on the underlay (as the thesis's single
// point of control did, and as the lab puts it), so a router is reached at its WAN address.
// Servers have only LAN addresses, which the routers do not expose to the underlay: apply
// reaches each one by SSH through its own site's router as a jump host (the inventory's
// default), so a server needs no tunnel to be reached unless its router is behind NAT. Server
// work still waits for the tunnel check, as a phase: the cluster needs the tunnels.
import type { Model, ModelRouter, ModelServer, ModelSite } from '@geostage/schema';
import type { Access } from './plan.ts';

/**
 * The router apply jumps through to a router behind NAT: the first hub for hub-and-spoke (it has a tunnel to every
 * site), otherwise the first site's router not behind NAT (in a full mesh it also has a tunnel
 * to every site, so its replies need no extra hop).
 */
export function entryRouter(model: Model): ModelRouter {
  const hub = model.sites.find((site) => model.vpn.hubs.includes(site.name));
  const site = hub ?? model.sites.find((candidate) => !candidate.router.wan.nat) ?? model.sites[0];
  if (!site) throw new Error(`${model.name} has no site`);
  return site.router;
}

function siteOf(model: Model, name: string): ModelSite {
  const site = model.sites.find((candidate) => candidate.name === name);
  if (!site) throw new Error(`unknown site ${name}`);
  return site;
}

function throughEntry(model: Model, address: string): Access {
  const entry = entryRouter(model);
  return { via: 'vpn', address, jump: entry.name, jumpAddress: entry.wan.host };
}

/**
 * A router behind NAT cannot be reached from the underlay; once its tunnel is up, it is
 * reached at its first LAN gateway address through the entry router.
 */
export function routerAccess(model: Model, router: ModelRouter): Access {
  if (!router.wan.nat) return { via: 'underlay', address: router.wan.host };
  const gateway = siteOf(model, router.site).segments[0]?.gateway ?? router.wan.host;
  return throughEntry(model, gateway);
}

/** A server at its LAN address, through its site's router (however that router is reached). */
export function serverAccess(model: Model, server: ModelServer): Access {
  const router = siteOf(model, server.site).router;
  const jump = routerAccess(model, router);
  if (jump.via === 'operator') throw new Error(`${router.name} is reached on the operator's machine`);
  return { via: 'site-router', address: server.address, jump: router.name, jumpAddress: jump.address };
}

/** One sentence per kind of host, printed at the top of the plan. */
export function accessSummary(model: Model): string[] {
  const entry = entryRouter(model);
  const natted = model.sites.filter((site) => site.router.wan.nat).map((site) => site.router.name);
  return [
    'Routers are reached by SSH at their WAN address, from the operator on the underlay.',
    ...(natted.length > 0
      ? [
          `Behind NAT, ${natted.join(', ')} cannot be reached from the underlay: the first configuration needs a way in from inside the site; afterwards apply reaches it at its LAN gateway through ${entry.name} and the VPN.`,
        ]
      : []),
    "Servers are reached by SSH at their LAN address through their own site's router as a jump host, so reaching them needs no tunnel; server work still runs after the tunnel check, as its own phase.",
    ...(natted.length > 0
      ? [
          `Servers behind ${natted.join(', ')} are reached through it, so through ${entry.name} and the VPN as well.`,
        ]
      : []),
  ];
}

export function describeAccess(access: Access): string {
  switch (access.via) {
    case 'underlay':
      return `ssh ${access.address} (WAN)`;
    case 'vpn':
    case 'site-router':
      return `ssh ${access.address} via ${access.jump}`;
    case 'operator':
      return 'operator';
  }
}
