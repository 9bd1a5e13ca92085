// One OpenVPN config per tunnel end on a Linux router: plain point-to-point mode (no server,
// no client, no pool), so each tunnel is one process with one vtunN interface, like VyOS's
// site-to-site mode, and the two ends of a tunnel read as mirror images.

import type { Model, ModelRouter, ModelTunnel, TunnelEnd } from '@geostage/schema';
import { generatedHeader, integerToAddress, parsePrefix } from '@geostage/schema';
import { keepAliveOf } from '../keep-alive.ts';
import { namedSites, throughSite } from '../route-names.ts';
import {
  CA_CERTIFICATE_FILE,
  certificateFile,
  openvpnDevicePath,
  privateKeyFile,
  staticKeyFile,
} from './paths.ts';
import { render } from './templates.ts';

/** The two ends of a tunnel seen from one router, or null when the router is not on it. */
export function endsOf(tunnel: ModelTunnel, router: string): { local: TunnelEnd; peer: TunnelEnd } | null {
  if (tunnel.a.router === router) return { local: tunnel.a, peer: tunnel.b };
  if (tunnel.b.router === router) return { local: tunnel.b, peer: tunnel.a };
  return null;
}

export function netmaskOf(length: number): string {
  return integerToAddress(length === 0 ? 0 : (0xffffffff << (32 - length)) >>> 0);
}

/**
 * Routes live in the tunnel's own config (`route` lines) rather than in a networkd file or a
 * script: OpenVPN adds them when vtunN comes up and they vanish with it, so a route never
 * points into a tunnel that is down and there is no unit ordering to get wrong.
 */
function routesThrough(router: ModelRouter, local: TunnelEnd) {
  return router.forwarding
    .filter((route) => route.interface === local.interface)
    .map((route) => {
      const prefix = parsePrefix(route.prefix);
      return {
        prefix: route.prefix,
        network: integerToAddress(prefix.network),
        netmask: netmaskOf(prefix.length),
        site: namedSites(route.sites),
        through: throughSite(route.sites, route.via) ?? '',
      };
    });
}

export function renderOpenvpn(
  model: Model,
  router: ModelRouter,
  tunnel: ModelTunnel,
): { file: string; content: string } {
  const ends = endsOf(tunnel, router.name);
  if (!ends) throw new Error(`router ${router.name} is not an end of tunnel ${tunnel.name}`);
  const { local, peer } = ends;
  const tls = model.vpn.authentication === 'tls';
  const content = render('openvpn.conf', {
    header: generatedHeader(model.source),
    tunnel: tunnel.name,
    local,
    peer,
    routes: routesThrough(router, local),
    mtu: { tunnel: model.mtu.tunnel, underlay: model.mtu.underlay },
    tls: tls
      ? {
          ca: openvpnDevicePath(CA_CERTIFICATE_FILE),
          cert: openvpnDevicePath(certificateFile(router.name)),
          key: openvpnDevicePath(privateKeyFile(router.name)),
        }
      : false,
    staticKey: tls ? '' : openvpnDevicePath(staticKeyFile(tunnel.name)),
    cipher: model.vpn.cipher.toUpperCase(),
    keepAlive: keepAliveOf(local, peer, tls),
  });
  return { file: `${local.interface}.conf`, content };
}
