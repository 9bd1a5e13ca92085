// Everything a concern renderer needs to know about one VyOS router, gathered once.
import type { Model, ModelRouter, ModelSite, TunnelEnd } from '@geostage/schema';
import type { PublicMaterial } from '@geostage/secrets';
import { routerTunnels } from '../router-tunnels.ts';
import type { VyosLine } from './versions.ts';

/** A tunnel seen from this router: its own end and the peer's. */
export interface LocalTunnel {
  /** `<siteA>--<siteB>`, the tunnel's name everywhere (secrets, descriptions). */
  name: string;
  local: TunnelEnd;
  peer: TunnelEnd;
}

export interface RouterContext {
  model: Model;
  site: ModelSite;
  router: ModelRouter;
  line: VyosLine;
  /** This router's tunnels, ordered by interface number (vtun2 before vtun10). */
  tunnels: LocalTunnel[];
  material: PublicMaterial;
}

export function interfaceNumber(name: string): number {
  return Number(/(\d+)$/.exec(name)?.[1] ?? 0);
}

export function routerContext(
  model: Model,
  site: ModelSite,
  line: VyosLine,
  material: PublicMaterial,
): RouterContext {
  const router = site.router;
  const tunnels: LocalTunnel[] = routerTunnels(model, router.name).map(({ tunnel, local, peer }) => ({
    name: tunnel.name,
    local,
    peer,
  }));
  tunnels.sort((x, y) => interfaceNumber(x.local.interface) - interfaceNumber(y.local.interface));
  return { model, site, router, line, tunnels, material };
}

/** `to site2 (vyos02)`: how a tunnel is described on the device. */
export function peerDescription(tunnel: LocalTunnel): string {
  return `to ${tunnel.peer.site} (${tunnel.peer.router})`;
}
