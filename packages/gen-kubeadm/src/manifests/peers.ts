// The static peer list of a P2P application: every pod of a site gets `count` peers at OTHER
// sites, named by their stable StatefulSet DNS names.
//
// A StatefulSet has one pod template, so all pods of a site share one list (a list per pod
// would need a wrapper around the image's own entrypoint). The lists still spread the load:
// site k starts at the site after it and at ordinal k, then goes round-robin over the other
// sites, so different sites point at different pods.
import type { ModelApplication } from '@geostage/schema';

export interface PeerPod {
  site: string;
  ordinal: number;
}

/** The sites that run the app (replicas > 0), in topology order. */
export function activeSites(app: ModelApplication, siteOrder: readonly string[]): string[] {
  return siteOrder.filter((site) => (app.replicas[site] ?? 0) > 0);
}

export function peersFor(app: ModelApplication, sites: readonly string[], site: string): PeerPod[] {
  const index = sites.indexOf(site);
  const others = [...sites.slice(index + 1), ...sites.slice(0, index)];
  const available = others.reduce((total, other) => total + (app.replicas[other] ?? 0), 0);
  const wanted = Math.min(app.peers.count, available);
  const peers: PeerPod[] = [];
  for (let round = 0; peers.length < wanted; round += 1) {
    for (const other of others) {
      const replicas = app.replicas[other] ?? 0;
      if (round >= replicas || peers.length >= wanted) continue;
      peers.push({ site: other, ordinal: (round + index) % replicas });
    }
  }
  return peers;
}

export function peerHost(app: string, peer: PeerPod, namespace: string, dnsDomain: string): string {
  const set = `${app}-${peer.site}`;
  return `${set}-${peer.ordinal}.${set}.${namespace}.svc.${dnsDomain}`;
}

/** The peer argument with `{peer}` replaced by the host name. */
export function peerArgument(template: string, host: string): string {
  return template.replaceAll('{peer}', host);
}
