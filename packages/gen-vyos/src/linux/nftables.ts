// The router's nftables ruleset. One table of our own (inet geostage) so that reading it
// back, or removing it, touches nothing else.

import type { TunnelEnd } from '@geostage/schema';
import { generatedHeader, type Model, type ModelRouter } from '@geostage/schema';
import { render } from './templates.ts';

export function renderNftables(model: Model, router: ModelRouter, ends: readonly TunnelEnd[]): string {
  const ports = [...new Set(ends.map((end) => end.port))].sort((x, y) => x - y);
  const tunnels = ends.map((end) => end.interface).sort();
  return render('nftables.conf', {
    header: generatedHeader(model.source),
    router: router.name,
    wan: router.wan.interface,
    ports,
    tunnels,
    mss: tunnels.length > 0 ? router.mssClamp : null,
    tunnelMtu: model.mtu.tunnel,
    masquerade: router.masquerade,
  });
}
