// Which tunnel ends meet, and whether each resulting tunnel is up. Ends are paired the way the
// packets pair them: an end that dials (remote-host) reaches the router owning that address
// and the end listening there on its remote-port. A pair is up only when both ends agree on
// everything else: who dials whom, ports crosswise, tunnel addresses crosswise, and the
// authentication (the same static key, or TLS with opposite roles).
import { formatAddress } from '../address.ts';
import type { Device, TunnelEnd } from '../device.ts';

export interface Tunnel {
  /** `<router>--<router>` sorted, or `<router>:<interface>` for an end without a peer. */
  name: string;
  ends: TunnelEnd[];
  up: boolean;
  /** Why it is down, one sentence each; empty when up. */
  problems: string[];
}

export interface TunnelState {
  tunnels: Tunnel[];
  /** Every end's tunnel, keyed by `router interface`. */
  byEnd: Map<string, { tunnel: Tunnel; partner: TunnelEnd | null }>;
}

export const endKey = (router: string, name: string) => `${router} ${name}`;
const describeEnd = (end: TunnelEnd) => `${end.router} ${end.interface}`;

function authenticationProblem(a: TunnelEnd, b: TunnelEnd): string | null {
  const x = a.authentication;
  const y = b.authentication;
  if (x === null || y === null) {
    const missing = x === null ? a : b;
    return `${describeEnd(missing)} has neither a static key nor a TLS role`;
  }
  if (x.kind !== y.kind) return `${describeEnd(a)} uses ${x.kind} but ${describeEnd(b)} uses ${y.kind}`;
  if (x.kind === 'static-key' && y.kind === 'static-key' && x.key !== y.key) {
    return `static keys differ: ${describeEnd(a)} has ${x.key}, ${describeEnd(b)} has ${y.key}`;
  }
  if (x.kind === 'tls' && y.kind === 'tls' && x.role === y.role) {
    return `both ends have TLS role ${x.role}; one must be active and the other passive`;
  }
  return null;
}

function protocolsMeet(a: TunnelEnd, b: TunnelEnd): boolean {
  if (a.protocol === 'udp' || b.protocol === 'udp') return a.protocol === b.protocol;
  return a.protocol !== b.protocol;
}

/** What keeps two paired ends from forming a tunnel; empty when they agree. */
export function disagreements(a: TunnelEnd, b: TunnelEnd): string[] {
  const problems: string[] = [];
  for (const end of [a, b]) if (end.disabled) problems.push(`${describeEnd(end)} is disabled`);
  if (!protocolsMeet(a, b)) problems.push(`protocols do not meet: ${a.protocol} and ${b.protocol}`);
  for (const [x, y] of [
    [a, b],
    [b, a],
  ] as const) {
    if (x.remoteHost !== null && x.remotePort !== y.localPort) {
      problems.push(
        `${describeEnd(x)} sends to port ${x.remotePort} but ${describeEnd(y)} listens on ${y.localPort}`,
      );
    }
    if (x.localAddress === null || x.remoteAddress === null) {
      problems.push(`${describeEnd(x)} has no ${x.localAddress === null ? 'local' : 'remote'}-address`);
    } else if (y.localAddress !== null && x.remoteAddress !== y.localAddress) {
      problems.push(
        `${describeEnd(x)} remote-address ${formatAddress(x.remoteAddress)} is not ${describeEnd(y)} local-address ${formatAddress(y.localAddress)}`,
      );
    }
  }
  const authentication = authenticationProblem(a, b);
  if (authentication) problems.push(authentication);
  return problems;
}

// One piece (over 80 lines): its passes (owners, who dials whom, pairing, names) each feed the next.
/**
 * Pairs every end with the end it meets and decides which tunnels are up, from configuration
 * alone. (Whether the dialing end can reach its remote-host over the underlay needs routing
 * tables: the forwarding model adds that problem afterwards.)
 */
export function pairTunnels(devices: readonly Device[]): TunnelState {
  const ownerOf = new Map<number, string>();
  for (const device of devices) {
    if (device.kind !== 'router') continue;
    for (const networkInterface of device.interfaces) {
      if (networkInterface.disabled) continue;
      for (const address of networkInterface.addresses) ownerOf.set(address.address, device.name);
    }
    for (const end of device.tunnels) if (end.localHost !== null) ownerOf.set(end.localHost, device.name);
  }
  const ends = devices.flatMap((device) => device.tunnels);
  // Ends by router and local port: a hub of 10,000 tunnels is asked 10,000 times.
  const byPort = new Map<string, TunnelEnd[]>();
  for (const end of ends) {
    const key = `${end.router} ${end.localPort}`;
    const list = byPort.get(key);
    if (list) list.push(end);
    else byPort.set(key, [end]);
  }
  const listening = (router: string, host: number, port: number) =>
    (byPort.get(`${router} ${port}`) ?? []).filter((end) => end.localHost === null || end.localHost === host);

  /** The end each dialing end reaches, or why it reaches none. */
  const dials = new Map<TunnelEnd, TunnelEnd | string>();
  for (const end of ends) {
    if (end.remoteHost === null) continue;
    const router = ownerOf.get(end.remoteHost);
    if (router === undefined) {
      dials.set(end, `${describeEnd(end)} dials ${formatAddress(end.remoteHost)}, which no router has`);
      continue;
    }
    const found = listening(router, end.remoteHost, end.remotePort);
    if (found.length === 1) dials.set(end, found[0]!);
    else if (found.length === 0)
      dials.set(end, `${describeEnd(end)} dials ${router} port ${end.remotePort}, where no tunnel listens`);
    else dials.set(end, `${found.map(describeEnd).join(' and ')} all listen on port ${end.remotePort}`);
  }
  const dialedBy = new Map<TunnelEnd, TunnelEnd[]>();
  for (const [end, target] of dials) {
    if (typeof target === 'string') continue;
    dialedBy.set(target, [...(dialedBy.get(target) ?? []), end]);
  }

  const tunnels: Tunnel[] = [];
  const byEnd: TunnelState['byEnd'] = new Map();
  const paired = new Set<TunnelEnd>();
  const pairName = (a: TunnelEnd, b: TunnelEnd) => [a.router, b.router].sort().join('--');
  for (const end of ends) {
    if (paired.has(end)) continue;
    const target = dials.get(end);
    let partner: TunnelEnd | null = null;
    const problems: string[] = [];
    if (typeof target === 'string') {
      problems.push(target);
    } else if (target !== undefined) {
      partner = paired.has(target) ? null : target;
      if (partner === null) problems.push(`${describeEnd(target)} is already paired with another end`);
      else {
        const back = dials.get(partner);
        if (back !== undefined && back !== end) {
          problems.push(
            typeof back === 'string'
              ? back
              : `${describeEnd(end)} dials ${describeEnd(partner)}, but that end dials ${describeEnd(back)}`,
          );
        }
      }
    } else {
      // A passive end (no remote-host): its partner is whoever dials it.
      const callers = (dialedBy.get(end) ?? []).filter((caller) => !paired.has(caller));
      if (callers.length === 1) partner = callers[0]!;
      else if (callers.length === 0)
        problems.push(`${describeEnd(end)} has no remote-host and no end dials it`);
      else problems.push(`${callers.map(describeEnd).join(' and ')} all dial ${describeEnd(end)}`);
    }
    if (partner !== null) {
      problems.push(...disagreements(end, partner));
      paired.add(partner);
    }
    paired.add(end);
    const tunnel: Tunnel = {
      name: partner ? pairName(end, partner) : `${end.router}:${end.interface}`,
      ends: partner ? [end, partner].sort((x, y) => (x.router < y.router ? -1 : 1)) : [end],
      up: problems.length === 0,
      problems,
    };
    tunnels.push(tunnel);
    byEnd.set(endKey(end.router, end.interface), { tunnel, partner });
    if (partner) byEnd.set(endKey(partner.router, partner.interface), { tunnel, partner: end });
  }
  // Two tunnels between the same routers are told apart by their interfaces.
  const counts = new Map<string, number>();
  for (const tunnel of tunnels) counts.set(tunnel.name, (counts.get(tunnel.name) ?? 0) + 1);
  for (const tunnel of tunnels) {
    if ((counts.get(tunnel.name) ?? 0) > 1) {
      tunnel.name = `${tunnel.name} (${tunnel.ends.map((end) => end.interface).join(', ')})`;
    }
  }
  tunnels.sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
  return { tunnels, byEnd };
}
