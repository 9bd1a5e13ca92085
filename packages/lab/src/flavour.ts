// The lab runs every router as the Linux flavour of the same Model: VyOS images cannot run in
// a network namespace, while the Linux router files (OpenVPN, nftables, sysctl, networkd) run
// on the machine's own tools. Only the router OS changes; addresses, tunnels, routes, keys and
// ciphers are the Model's, so what the lab measures is the design, not a lab-only variant.
// The conversion itself is gen-vyos's (linuxRendering), which apply uses for `platform: linux`.
import { LINUX_RENDERING_RELEASE, linuxRendering } from '@geostage/gen-vyos';
import type { Model } from '@geostage/schema';

export const LAB_ROUTER_RELEASE = LINUX_RENDERING_RELEASE;

export interface Converted {
  router: string;
  /** What the topology says, e.g. "vyos 1.2". */
  was: string;
}

export function linuxFlavour(model: Model): { model: Model; converted: Converted[] } {
  return linuxRendering(model);
}
