// What one tunnel end emulates when the topology asks the routers to (wan.emulate: routers):
// the tunnel's one-way values from the Model, and a queue long enough for them. Both the VyOS
// and the Linux renderers read this, so the two kinds of router emulate the same WAN.
import type { Model, ModelWanTunnel } from '@geostage/schema';
import { routerTunnels } from './router-tunnels.ts';

export interface Emulation {
  /** The tunnel interface on this router (vtunN): emulation is its egress. */
  interface: string;
  tunnel: string;
  /** The site at the other end. */
  peer: string;
  delayMs: number;
  jitterMs: number;
  lossPercent: number;
  /** Null: no rate limit. */
  rateMbps: number | null;
  /** Queue limit in packets. */
  limit: number;
}

/** netem's own default queue, and the floor: smaller only ever hurts. */
const NETEM_DEFAULT_LIMIT = 1000;
/** Without a rate the queue is sized as if the tunnel carried this much. */
const ASSUMED_MBPS = 1000;

/**
 * Queue limit in packets for a rate and a delay. netem holds every packet until it is due, so
 * the queue must hold one delay's worth at the rate (rate x (delay + jitter) / packet size),
 * and as much again for the burst TCP sends into a bottleneck; a limit below that drops
 * packets that are merely waiting, and throughput collapses as the delay grows.
 * limit = max(1000, ceil(2 x rate[bit/s] x (delay + jitter)[s] / (8 x packet bytes))).
 */
export function queueLimit(
  rateMbps: number | null,
  delayMs: number,
  jitterMs: number,
  packetBytes: number,
): number {
  const bits = (rateMbps ?? ASSUMED_MBPS) * 1e6;
  const packets = Math.ceil((2 * bits * ((delayMs + jitterMs) / 1000)) / (8 * packetBytes));
  return Math.max(NETEM_DEFAULT_LIMIT, packets);
}

const wanTunnels = new WeakMap<Model, Map<string, ModelWanTunnel>>();

/** The WAN of each tunnel by name, made once per model. */
function wanByTunnel(model: Model): Map<string, ModelWanTunnel> {
  let index = wanTunnels.get(model);
  if (!index) {
    index = new Map(model.wan.tunnels.map((tunnel) => [tunnel.tunnel, tunnel]));
    wanTunnels.set(model, index);
  }
  return index;
}

/** The emulation of every tunnel end on this router, or none unless wan.emulate is routers. */
export function emulationsOf(model: Model, router: string): Emulation[] {
  if (model.wan.emulate !== 'routers') return [];
  const byTunnel = wanByTunnel(model);
  const out: Emulation[] = [];
  for (const { tunnel, local, peer } of routerTunnels(model, router)) {
    const wan = byTunnel.get(tunnel.name);
    if (!wan) continue;
    const delayMs = wan.delayMs.value ?? 0;
    const jitterMs = wan.jitterMs.value ?? 0;
    const lossPercent = wan.lossPercent.value ?? 0;
    const rateMbps = wan.rateMbps.value;
    if (delayMs === 0 && jitterMs === 0 && lossPercent === 0 && rateMbps === null) continue;
    out.push({
      interface: local.interface,
      tunnel: tunnel.name,
      peer: peer.site,
      delayMs,
      jitterMs,
      lossPercent,
      rateMbps,
      limit: queueLimit(rateMbps, delayMs, jitterMs, model.mtu.tunnel),
    });
  }
  return out.sort((x, y) => Number(x.interface.slice(4)) - Number(y.interface.slice(4)));
}
