// The forwarding model: hosts with routing tables (longest prefix match), links (interfaces
// whose connected prefixes are equal share a link), tunnels as point-to-point links that carry
// packets only when up, and the underlay. The underlay joins the routers' WAN interfaces and
// carries only their WAN addresses: private LAN prefixes are not routed on the internet, so a
// LAN packet sent to it is dropped there.
import { contains, formatAddress, formatPrefix, networkOf, type Prefix, prefixKey } from './address.ts';
import type { Device, Origin, TunnelEnd, Warning } from './device.ts';
import { endKey, type Tunnel, type TunnelState } from './tunnels.ts';

export type Reason = 'no-route' | 'tunnel-down' | 'no-host' | 'loop' | 'no-return-path';

type Egress =
  | { kind: 'link'; link: string; interface: string }
  | { kind: 'tunnel'; end: TunnelEnd }
  | { kind: 'blackhole' };

interface Entry {
  prefix: Prefix;
  nextHop: number | null;
  egress: Egress;
  distance: number;
  origin: Origin | null;
}

/** Longest prefix match over one table: a map per prefix length, longest length first. */
export interface Table {
  lengths: number[];
  byLength: Map<number, Map<number, Entry>>;
}

export interface Host {
  index: number;
  name: string;
  kind: 'router' | 'server';
  forwards: boolean;
  addresses: Set<number>;
  table: Table;
}

export interface Network {
  hosts: Host[];
  byName: Map<string, Host>;
  /** Link key -> address -> host on that link. */
  links: Map<string, Map<number, Host>>;
  /** Links that reach the underlay (a router's WAN). */
  wanLinks: Set<string>;
  /** WAN address -> router: the only destinations the underlay carries. */
  underlay: Map<number, Host>;
  tunnels: TunnelState;
}

export interface Step {
  host: Host | 'underlay';
  /** The tunnel crossed to get here, if any. */
  tunnel: Tunnel | null;
}

export interface Walk {
  delivered: boolean;
  /** Hosts after the origin, in order; the last one is the destination when delivered. */
  steps: Step[];
  failure: { reason: Exclude<Reason, 'no-return-path'>; at: string; detail: string } | null;
}

const MAX_HOPS = 64;

function lookup(table: Table, address: number): Entry | null {
  for (const length of table.lengths) {
    const entry = table.byLength.get(length)!.get(networkOf(address, length));
    if (entry) return entry;
  }
  return null;
}

function add(table: Table, entry: Entry): void {
  let map = table.byLength.get(entry.prefix.length);
  if (!map) {
    map = new Map();
    table.byLength.set(entry.prefix.length, map);
    table.lengths.push(entry.prefix.length);
    table.lengths.sort((x, y) => y - x);
  }
  const present = map.get(entry.prefix.network);
  // Connected routes win over static ones; among static routes the lowest distance, then the first.
  if (!present || entry.distance < present.distance) map.set(entry.prefix.network, entry);
}

export interface BuildOptions {
  /** Leave tunnels out entirely: the network "before the VPN". */
  withoutTunnels: boolean;
  /** WAN interfaces decided from the whole configuration, so both views share them. */
  wanInterfaces: Set<string>;
}

/**
 * Interfaces that face the underlay: those holding a tunnel's local-host, a NAT outbound
 * interface, or the way to a default route's next hop. Keyed `router interface`.
 */
export function wanInterfaces(devices: readonly Device[]): Set<string> {
  const wan = new Set<string>();
  for (const device of devices) {
    if (device.kind !== 'router') continue;
    const hosts = new Set(device.tunnels.map((end) => end.localHost).filter((host) => host !== null));
    const defaultHops = device.routes.filter((route) => route.prefix.length === 0);
    for (const networkInterface of device.interfaces) {
      const key = endKey(device.name, networkInterface.name);
      if (networkInterface.addresses.some((address) => hosts.has(address.address))) wan.add(key);
      if (device.nat.some((rule) => rule.outboundInterface === networkInterface.name)) wan.add(key);
      for (const route of defaultHops) {
        if (route.interface === networkInterface.name) wan.add(key);
        if (route.nextHop !== null && networkInterface.addresses.some((address) => contains(address, route.nextHop!))) {
          wan.add(key);
        }
      }
    }
  }
  return wan;
}

export function buildNetwork(
  devices: readonly Device[],
  tunnels: TunnelState,
  options: BuildOptions,
): { network: Network; warnings: Warning[] } {
  const warnings: Warning[] = [];
  const hosts: Host[] = [];
  const byName = new Map<string, Host>();
  const links = new Map<string, Map<number, Host>>();
  const wanLinks = new Set<string>();
  const underlay = new Map<number, Host>();

  for (const device of devices) {
    const host: Host = {
      index: hosts.length,
      name: device.name,
      kind: device.kind,
      forwards: device.forwards,
      addresses: new Set(),
      table: { lengths: [], byLength: new Map() },
    };
    hosts.push(host);
    byName.set(device.name, host);
    /** Interface name -> its connected entries (for next-hop resolution). */
    const connected: Entry[] = [];
    const interfaceNames = new Set<string>();
    for (const networkInterface of device.interfaces) {
      if (networkInterface.disabled) continue;
      interfaceNames.add(networkInterface.name);
      const isWan = options.wanInterfaces.has(endKey(device.name, networkInterface.name));
      for (const address of networkInterface.addresses) {
        host.addresses.add(address.address);
        const link = prefixKey(address);
        let members = links.get(link);
        if (!members) {
          members = new Map();
          links.set(link, members);
        }
        members.set(address.address, host);
        if (isWan) {
          wanLinks.add(link);
          underlay.set(address.address, host);
        }
        const entry: Entry = {
          prefix: { network: address.network, length: address.length },
          nextHop: null,
          egress: { kind: 'link', link, interface: networkInterface.name },
          distance: 0,
          origin: networkInterface.origin,
        };
        connected.push(entry);
        add(host.table, entry);
      }
    }
    const tunnelEnds = new Map<string, TunnelEnd>();
    if (!options.withoutTunnels) {
      for (const end of device.tunnels) {
        tunnelEnds.set(end.interface, end);
        if (end.disabled) continue;
        if (end.localAddress !== null) host.addresses.add(end.localAddress);
        if (end.remoteAddress !== null) {
          const entry: Entry = {
            prefix: { network: end.remoteAddress, length: 32 },
            nextHop: null,
            egress: { kind: 'tunnel', end },
            distance: 0,
            origin: end.origin,
          };
          connected.push(entry);
          add(host.table, entry);
        }
      }
    }
    const removedTunnels = new Set(options.withoutTunnels ? device.tunnels.map((end) => end.interface) : []);
    for (const route of device.routes) {
      const warn = (message: string) =>
        warnings.push({ file: route.origin.file, line: route.origin.line, message: `${formatPrefix(route.prefix)}: ${message}` });
      let egress: Egress | null = null;
      if (route.blackhole) {
        egress = { kind: 'blackhole' };
      } else if (route.interface !== null) {
        const end = tunnelEnds.get(route.interface);
        if (end) {
          egress = { kind: 'tunnel', end };
        } else if (interfaceNames.has(route.interface)) {
          const networkInterface = device.interfaces.find((candidate) => candidate.name === route.interface)!;
          const first = networkInterface.addresses[0];
          if (first) egress = { kind: 'link', link: prefixKey(first), interface: route.interface };
          else warn(`interface ${route.interface} has no address; the route is inactive`);
        } else if (!removedTunnels.has(route.interface)) {
          warn(`points at ${route.interface}, which does not exist; the route is inactive`);
        }
      } else if (route.nextHop !== null) {
        // The next hop must sit on a connected network (or be a tunnel's far end).
        let best: Entry | null = null;
        for (const entry of connected) {
          if (contains(entry.prefix, route.nextHop) && (best === null || entry.prefix.length > best.prefix.length)) {
            best = entry;
          }
        }
        if (best) egress = best.egress;
        else if (!options.withoutTunnels || !device.tunnels.some((end) => end.remoteAddress === route.nextHop)) {
          warn(`next-hop ${formatAddress(route.nextHop)} is on no connected network; the route is inactive`);
        }
      }
      if (egress) add(host.table, { prefix: route.prefix, nextHop: route.nextHop, egress, distance: route.distance, origin: route.origin });
    }
  }
  return { network: { hosts, byName, links, wanLinks, underlay, tunnels }, warnings };
}

/**
 * Follows a packet from `origin` to `destination`. `underlayOnly` refuses tunnels: it is how a
 * tunnel end reaches its peer's WAN address.
 */
export function walk(network: Network, origin: Host, destination: number, underlayOnly = false): Walk {
  const steps: Step[] = [];
  let current: Host = origin;
  const fail = (reason: Exclude<Reason, 'no-return-path'>, at: string, detail: string): Walk => ({
    delivered: false,
    steps,
    failure: { reason, at, detail },
  });
  const target = formatAddress(destination);
  for (let hop = 0; hop <= MAX_HOPS; hop++) {
    if (current.addresses.has(destination)) return { delivered: true, steps, failure: null };
    if (current !== origin && !current.forwards) {
      return fail('no-route', current.name, `${current.name} received a packet for ${target} but does not forward`);
    }
    const entry = lookup(current.table, destination);
    if (!entry) return fail('no-route', current.name, `${current.name} has no route to ${target}`);
    const egress = entry.egress;
    if (egress.kind === 'blackhole') {
      return fail('no-route', current.name, `${current.name} drops ${target} (blackhole ${formatPrefix(entry.prefix)})`);
    }
    if (egress.kind === 'tunnel') {
      const via = `${current.name} ${egress.end.interface}`;
      if (underlayOnly) return fail('no-route', current.name, `${via}: the way to ${target} leads into a tunnel`);
      const state = network.tunnels.byEnd.get(endKey(egress.end.router, egress.end.interface));
      if (!state || !state.tunnel.up || !state.partner) {
        const why = state?.tunnel.problems.join('; ') ?? 'no peer';
        return fail('tunnel-down', current.name, `${via} (${state?.tunnel.name ?? 'unpaired'}) is down: ${why}`);
      }
      const next = network.byName.get(state.partner.router)!;
      steps.push({ host: next, tunnel: state.tunnel });
      current = next;
      continue;
    }
    const hopAddress = entry.nextHop ?? destination;
    const next = network.links.get(egress.link)?.get(hopAddress);
    if (next && next !== current) {
      steps.push({ host: next, tunnel: null });
      current = next;
      continue;
    }
    if (network.wanLinks.has(egress.link)) {
      // Out to the internet, which carries WAN addresses only.
      const router = network.underlay.get(destination);
      if (!router) {
        return fail(
          'no-route',
          current.name,
          `${current.name} sends ${target} to the underlay (${formatPrefix(entry.prefix)} via ${egress.interface}), which carries no LAN prefixes`,
        );
      }
      steps.push({ host: 'underlay', tunnel: null }, { host: router, tunnel: null });
      current = router;
      continue;
    }
    if (entry.nextHop !== null) {
      return fail('no-route', current.name, `${current.name}: next-hop ${formatAddress(entry.nextHop)} for ${target} is not on ${egress.interface}`);
    }
    return fail('no-host', current.name, `no host has ${target} on ${current.name} ${egress.interface}`);
  }
  return fail('loop', current.name, `${target}: more than ${MAX_HOPS} hops, a routing loop`);
}

/** Adds "cannot reach the peer over the underlay" to the tunnels whose dialing end cannot. */
export function checkUnderlay(network: Network): void {
  const seen = new Set<Tunnel>();
  for (const { tunnel } of network.tunnels.byEnd.values()) {
    if (seen.has(tunnel) || !tunnel.up) continue;
    seen.add(tunnel);
    for (const end of tunnel.ends) {
      if (end.remoteHost === null) continue;
      const router = network.byName.get(end.router)!;
      const result = walk(network, router, end.remoteHost, true);
      if (!result.delivered) {
        tunnel.up = false;
        tunnel.problems.push(
          `${end.router} ${end.interface} cannot reach ${formatAddress(end.remoteHost)} over the underlay: ${result.failure!.detail}`,
        );
      }
    }
  }
}
