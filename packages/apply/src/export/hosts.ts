// How each host is reached when the environment has no inventory.yaml: the defaults of
// /work/issue16-design.md (routers at their WAN address, VyOS as vyos and Linux as root; servers
// at their LAN address as root, jumping through their own site's router). The shape is the
// environment package's HostAccess; the export takes a map of them, so an inventory.yaml read by
// @geostage/environment (readInventory) replaces these defaults without a change here.
// TODO(issue 16): once packages/environment/src/inventory.ts lands, take HostAccess and the
// defaults from it (resolveInventory with an empty document) and delete this file.
import type { Model } from '@geostage/schema';

export interface HostAccess {
  name: string;
  address: string;
  port: number;
  user: string;
  /** Path of a private key (never the key), or null for the agent or ssh's own default. */
  identity: string | null;
  agent: boolean;
  /** A network namespace the TCP connection starts in, or null. */
  namespace: string | null;
  /** The host this one is reached through, or null. */
  jump: string | null;
  platform: 'vyos' | 'linux' | null;
}

/** Every router and server of the Model with the inventory defaults, in topology order. */
export function defaultHostAccess(model: Model): Map<string, HostAccess> {
  const hosts = new Map<string, HostAccess>();
  const base = { port: 22, identity: null, agent: false, namespace: null, platform: null };
  for (const site of model.sites) {
    const router = site.router;
    hosts.set(router.name, {
      ...base,
      name: router.name,
      address: router.wan.host,
      user: router.os === 'vyos' ? 'vyos' : 'root',
      jump: null,
    });
  }
  for (const server of model.servers) {
    const site = model.sites.find((candidate) => candidate.name === server.site);
    hosts.set(server.name, {
      ...base,
      name: server.name,
      address: server.address,
      user: 'root',
      jump: site ? site.router.name : null,
    });
  }
  return hosts;
}
