// The forwarding model: hosts with routing tables (longest prefix match), links (interfaces
// whose connected prefixes are equal share a link), tunnels as point-to-point links that carry
// packets only when up, and the underlay. The underlay joins the routers' WAN interfaces and
// carries only their WAN addresses: private LAN prefixes are not routed on the internet, so a
// LAN packet sent to it is dropped there.
import { contains, formatAddress, formatPrefix, networkOf, type Prefix, prefixKey } from '../address.ts';
import type { Device, StaticRoute, TunnelEnd, Warning } from '../device.ts';
import type { Reason } from '../report/report.ts';
import { endKey, type Tunnel, type TunnelState } from './tunnels.ts';

export type { Reason };

type TunnelLookup = ReturnType<TunnelState['byEnd']['get']>;

// Egresses hold what forwarding needs by reference (the link's members, the tunnel's state)
// so a decision costs no string building or map lookups by name.
type Egress =
  | { kind: 'link'; link: string; members: Map<number, Host>; interface: string }
  | { kind: 'tunnel'; end: TunnelEnd; state: TunnelLookup }
  | { kind: 'blackhole' };

export interface Entry {
  prefix: Prefix;
  nextHop: number | null;
  egress: Egress;
  distance: number;
  /** The decision for every packet that takes this entry, once known (not for on-link delivery). */
  decision: Decision | undefined;
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
  /** Cached failures: no matching route; a packet for someone else reaching a non-router. */
  noRoute: Decision | undefined;
  refuses: Decision | undefined;
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
  /** Underlay packets this drops between two routers (by name) never arrive: a partition. */
  underlayCut: ((from: string, to: string) => boolean) | null;
}

/** One hop of a packet: the host it reaches (or the underlay) and the tunnel it crossed to get there. */
export interface Hop {
  host: Host | 'underlay';
  /** The tunnel crossed to get here, if any. */
  tunnel: Tunnel | null;
}

export interface Walk {
  delivered: boolean;
  /** Hosts after the origin, in order; the last one is the destination when delivered. */
  hops: Hop[];
  failure: { reason: Exclude<Reason, 'no-return-path'>; at: string; detail: string } | null;
}

const MAX_HOPS = 64;

const BLACKHOLE: Egress = { kind: 'blackhole' };

/** The entry longest prefix match picks for `address`, or null. */
export function lookup(table: Table, address: number): Entry | null {
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
        if (
          route.nextHop !== null &&
          networkInterface.addresses.some((address) => contains(address, route.nextHop!))
        ) {
          wan.add(key);
        }
      }
    }
  }
  return wan;
}

/** What a device's routes resolve against: its connected entries and one egress per way out. */
interface Egresses {
  device: Device;
  /** Connected entries (addresses and tunnel far ends), for next-hop resolution. */
  connected: Entry[];
  /** Enabled interfaces by name. */
  interfaceNames: Set<string>;
  /** One egress per tunnel and per interface, shared by every route through it. */
  tunnels: Map<string, Egress>;
  links: Map<string, Egress>;
  /** Tunnels left out of this view: routes into them vanish silently. */
  removedTunnels: Set<string>;
  withoutTunnels: boolean;
  membersOf: (link: string) => Map<number, Host>;
}

/**
 * Where `route` sends packets: a blackhole, a tunnel, or a link (by interface or by the
 * connected network its next hop is on). Null when the route is inactive; the reason is a
 * warning unless it went with a tunnel left out of this view.
 */
function routeEgress(route: StaticRoute, egresses: Egresses, warnings: Warning[]): Egress | null {
  const warn = (message: string) => {
    warnings.push({
      file: route.file,
      line: route.line,
      message: `${formatPrefix(route.prefix)}: ${message}`,
    });
    return null;
  };
  if (route.blackhole) return BLACKHOLE;
  if (route.interface !== null) {
    const known = egresses.tunnels.get(route.interface) ?? egresses.links.get(route.interface);
    if (known) return known;
    if (egresses.interfaceNames.has(route.interface)) {
      const networkInterface = egresses.device.interfaces.find(
        (candidate) => candidate.name === route.interface,
      )!;
      const first = networkInterface.addresses[0];
      if (!first) return warn(`interface ${route.interface} has no address; the route is inactive`);
      const link = prefixKey(first);
      const egress: Egress = {
        kind: 'link',
        link,
        members: egresses.membersOf(link),
        interface: route.interface,
      };
      egresses.links.set(route.interface, egress);
      return egress;
    }
    if (egresses.removedTunnels.has(route.interface)) return null;
    return warn(`points at ${route.interface}, which does not exist; the route is inactive`);
  }
  if (route.nextHop === null) return null;
  // The next hop must sit on a connected network (or be a tunnel's far end).
  const nextHop = route.nextHop;
  let best: Entry | null = null;
  for (const entry of egresses.connected) {
    if (contains(entry.prefix, nextHop) && (best === null || entry.prefix.length > best.prefix.length)) {
      best = entry;
    }
  }
  if (best) return best.egress;
  if (egresses.withoutTunnels && egresses.device.tunnels.some((end) => end.remoteAddress === nextHop))
    return null;
  return warn(`next-hop ${formatAddress(nextHop)} is on no connected network; the route is inactive`);
}

/** A connected entry: packets for `prefix` leave by `egress` with no next hop. */
function connect(host: Host, egresses: Egresses, prefix: Prefix, egress: Egress): void {
  const entry: Entry = { prefix, nextHop: null, egress, distance: 0, decision: undefined };
  egresses.connected.push(entry);
  add(host.table, entry);
}

/** The host's addresses on its links (joining the underlay when the interface is a WAN). */
function connectInterfaces(
  host: Host,
  egresses: Egresses,
  network: Pick<Network, 'wanLinks' | 'underlay'>,
  wanInterfaces: Set<string>,
): void {
  for (const networkInterface of egresses.device.interfaces) {
    if (networkInterface.disabled) continue;
    egresses.interfaceNames.add(networkInterface.name);
    const isWan = wanInterfaces.has(endKey(host.name, networkInterface.name));
    for (const address of networkInterface.addresses) {
      host.addresses.add(address.address);
      const link = prefixKey(address);
      const members = egresses.membersOf(link);
      members.set(address.address, host);
      if (isWan) {
        network.wanLinks.add(link);
        network.underlay.set(address.address, host);
      }
      connect(
        host,
        egresses,
        { network: address.network, length: address.length },
        {
          kind: 'link',
          link,
          members,
          interface: networkInterface.name,
        },
      );
    }
  }
}

/** One egress per tunnel end; an enabled end's own address, and its far end as a connected /32. */
function connectTunnels(host: Host, egresses: Egresses, tunnels: TunnelState): void {
  for (const end of egresses.device.tunnels) {
    const egress: Egress = {
      kind: 'tunnel',
      end,
      state: tunnels.byEnd.get(endKey(end.router, end.interface)),
    };
    egresses.tunnels.set(end.interface, egress);
    if (end.disabled) continue;
    if (end.localAddress !== null) host.addresses.add(end.localAddress);
    if (end.remoteAddress !== null)
      connect(host, egresses, { network: end.remoteAddress, length: 32 }, egress);
  }
}

export function buildNetwork(
  devices: readonly Device[],
  tunnels: TunnelState,
  options: BuildOptions,
): { network: Network; warnings: Warning[] } {
  const warnings: Warning[] = [];
  const network: Network = {
    hosts: [],
    byName: new Map(),
    links: new Map(),
    wanLinks: new Set(),
    underlay: new Map(),
    tunnels,
    underlayCut: null,
  };
  const membersOf = (link: string) => {
    let members = network.links.get(link);
    if (!members) {
      members = new Map();
      network.links.set(link, members);
    }
    return members;
  };
  for (const device of devices) {
    const host: Host = {
      index: network.hosts.length,
      name: device.name,
      kind: device.kind,
      forwards: device.forwards,
      addresses: new Set(),
      table: { lengths: [], byLength: new Map() },
      // Every field set here, none added later: one object shape keeps decide() fast.
      noRoute: undefined,
      refuses: undefined,
    };
    network.hosts.push(host);
    network.byName.set(device.name, host);
    const egresses: Egresses = {
      device,
      connected: [],
      interfaceNames: new Set(),
      tunnels: new Map(),
      links: new Map(),
      removedTunnels: new Set(options.withoutTunnels ? device.tunnels.map((end) => end.interface) : []),
      withoutTunnels: options.withoutTunnels,
      membersOf,
    };
    connectInterfaces(host, egresses, network, options.wanInterfaces);
    if (!options.withoutTunnels) connectTunnels(host, egresses, tunnels);
    for (const route of device.routes) {
      const egress = routeEgress(route, egresses, warnings);
      if (egress)
        add(host.table, {
          prefix: route.prefix,
          nextHop: route.nextHop,
          egress,
          distance: route.distance,
          decision: undefined,
        });
    }
  }
  return { network, warnings };
}

type Failure = { reason: Exclude<Reason, 'no-return-path'>; at: string; detail: string };

/** What one host does with a packet for `destination`. */
export type Decision =
  | { kind: 'delivered' }
  | { kind: 'forward'; next: Host; tunnel: Tunnel | null; underlay: boolean }
  | ({ kind: 'fail' } & Failure);

// One piece (over 80 lines): the hot path of every walk, early returns in order of cost, each remembered on its route.
/**
 * One forwarding decision. `origin` is true for the host that sends the packet (a server sends
 * its own packets though it forwards nobody's); `underlayOnly` refuses tunnels: it is how a
 * tunnel end reaches its peer's WAN address. Strings are only built for failures: this runs
 * once per host and destination group in large environments.
 */
export function decide(
  network: Network,
  current: Host,
  destination: number,
  origin: boolean,
  underlayOnly = false,
): Decision {
  if (current.addresses.has(destination)) return DELIVERED_HERE;
  if (!origin && !current.forwards) {
    const refuses =
      current.refuses ?? failure('no-route', current, `${current.name} is not a router and does not forward`);
    current.refuses = refuses;
    return refuses;
  }
  const entry = lookup(current.table, destination);
  if (!entry) {
    const noRoute =
      current.noRoute ??
      failure(
        'no-route',
        current,
        `${current.name} has no route to the destination (no default route either)`,
      );
    current.noRoute = noRoute;
    return noRoute;
  }
  if (entry.decision && !underlayOnly) return entry.decision;
  const egress = entry.egress;
  // Only failures describe the route: a delivered packet must not pay for the string.
  const route = () =>
    `${formatPrefix(entry.prefix)}${entry.nextHop === null ? '' : ` via ${formatAddress(entry.nextHop)}`}`;
  if (egress.kind === 'blackhole') {
    return remember(entry, failure('no-route', current, `${current.name} drops it (blackhole ${route()})`));
  }
  if (egress.kind === 'tunnel') {
    const via = `${current.name} ${egress.end.interface}`;
    if (underlayOnly) return failure('no-route', current, `${via}: the way (${route()}) leads into a tunnel`);
    const state = egress.state;
    if (!state?.tunnel.up || !state.partner) {
      const why = state?.tunnel.problems.join('; ') ?? 'no peer';
      return remember(
        entry,
        failure(
          'tunnel-down',
          current,
          `${current.name} routes ${route()} into ${egress.end.interface} (${state?.tunnel.name ?? 'unpaired'}), which is down: ${why}`,
        ),
      );
    }
    return remember(entry, {
      kind: 'forward',
      next: network.byName.get(state.partner.router)!,
      tunnel: state.tunnel,
      underlay: false,
    });
  }
  const next = egress.members.get(entry.nextHop ?? destination);
  if (
    next &&
    next !== current &&
    network.underlayCut?.(current.name, next.name) &&
    network.wanLinks.has(egress.link)
  )
    return failure('no-route', current, `the underlay between ${current.name} and ${next.name} is cut`);
  if (next && next !== current) {
    if (entry.nextHop === null) return { kind: 'forward', next, tunnel: null, underlay: false };
    return remember(entry, { kind: 'forward', next, tunnel: null, underlay: false });
  }
  if (network.wanLinks.has(egress.link)) {
    // Out to the internet, which carries WAN addresses only.
    const router = network.underlay.get(destination);
    if (router && network.underlayCut?.(current.name, router.name))
      return failure('no-route', current, `the underlay between ${current.name} and ${router.name} is cut`);
    if (router) return { kind: 'forward', next: router, tunnel: null, underlay: true };
    return remember(
      entry,
      failure(
        'no-route',
        current,
        `${current.name} sends it to the underlay (${route()} out of ${egress.interface}), which carries no LAN prefixes`,
      ),
    );
  }
  if (entry.nextHop !== null) {
    return remember(
      entry,
      failure(
        'no-route',
        current,
        `${current.name}: next-hop ${formatAddress(entry.nextHop)} (${route()}) is not on ${egress.interface}`,
      ),
    );
  }
  return failure(
    'no-host',
    current,
    `no host has ${formatAddress(destination)} on ${current.name} ${egress.interface}`,
  );
}

function remember(entry: Entry, decision: Decision): Decision {
  entry.decision = decision;
  return decision;
}

const DELIVERED_HERE: Decision = { kind: 'delivered' };

function failure(reason: Failure['reason'], at: Host, detail: string): Decision & { kind: 'fail' } {
  return { kind: 'fail', reason, at: at.name, detail };
}

/** Follows a packet from `origin` to `destination`, hop by hop. */
export function walk(network: Network, origin: Host, destination: number, underlayOnly = false): Walk {
  const hops: Hop[] = [];
  let current: Host = origin;
  for (let hop = 0; hop <= MAX_HOPS; hop++) {
    const decision = decide(network, current, destination, current === origin, underlayOnly);
    if (decision.kind === 'delivered') return { delivered: true, hops, failure: null };
    if (decision.kind === 'fail') return { delivered: false, hops, failure: decision };
    if (decision.underlay) hops.push({ host: 'underlay', tunnel: null });
    hops.push({ host: decision.next, tunnel: decision.tunnel });
    current = decision.next;
  }
  return {
    delivered: false,
    hops,
    failure: {
      reason: 'loop',
      at: current.name,
      detail: `${formatAddress(destination)}: more than ${MAX_HOPS} hops, a routing loop`,
    },
  };
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
