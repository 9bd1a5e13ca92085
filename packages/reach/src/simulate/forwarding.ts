// The forwarding model: hosts with routing tables (longest prefix match), links (interfaces
// whose connected prefixes are equal share a link), tunnels as point-to-point links that carry
// packets only when up, and the underlay. The underlay joins the routers' WAN interfaces and
// carries only their WAN addresses: private LAN prefixes are not routed on the internet, so a
// LAN packet sent to it is dropped there.
import { contains, formatAddress, formatPrefix, networkOf, type Prefix, prefixKey } from '../address.ts';
import type { Device, TunnelEnd, Warning } from '../device.ts';
import { INITIAL_TTL, type Outcome, type Reason } from '../report/report.ts';
import { endKey, type Tunnel, type TunnelState } from './tunnels.ts';

export type { Reason };

type TunnelLookup = ReturnType<TunnelState['byEnd']['get']>;

// Egresses hold what forwarding needs by reference (the link's members, the tunnel's state)
// so a decision costs no string building or map lookups by name.
type Egress =
  | { kind: 'link'; link: string; members: Map<number, Host>; interface: string }
  | { kind: 'tunnel'; end: TunnelEnd; state: TunnelLookup }
  | { kind: 'blackhole' };

interface Entry {
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

const BLACKHOLE: Egress = { kind: 'blackhole' };

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
  const membersOf = (link: string) => {
    let members = links.get(link);
    if (!members) {
      members = new Map();
      links.set(link, members);
    }
    return members;
  };

  for (const device of devices) {
    const host: Host = {
      index: hosts.length,
      name: device.name,
      kind: device.kind,
      forwards: device.forwards,
      addresses: new Set(),
      table: { lengths: [], byLength: new Map() },
      // Every field set here, none added later: one object shape keeps decide() fast.
      noRoute: undefined,
      refuses: undefined,
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
        const members = membersOf(link);
        members.set(address.address, host);
        if (isWan) {
          wanLinks.add(link);
          underlay.set(address.address, host);
        }
        const entry: Entry = {
          prefix: { network: address.network, length: address.length },
          nextHop: null,
          egress: { kind: 'link', link, members, interface: networkInterface.name },
          distance: 0,
          decision: undefined,
        };
        connected.push(entry);
        add(host.table, entry);
      }
    }
    /** One egress per tunnel and per interface, shared by every route through it. */
    const tunnelEgresses = new Map<string, Egress>();
    const linkEgresses = new Map<string, Egress>();
    if (!options.withoutTunnels) {
      for (const end of device.tunnels) {
        const egress: Egress = {
          kind: 'tunnel',
          end,
          state: tunnels.byEnd.get(endKey(end.router, end.interface)),
        };
        tunnelEgresses.set(end.interface, egress);
        if (end.disabled) continue;
        if (end.localAddress !== null) host.addresses.add(end.localAddress);
        if (end.remoteAddress !== null) {
          const entry: Entry = {
            prefix: { network: end.remoteAddress, length: 32 },
            nextHop: null,
            egress,
            distance: 0,
            decision: undefined,
          };
          connected.push(entry);
          add(host.table, entry);
        }
      }
    }
    const removedTunnels = new Set(options.withoutTunnels ? device.tunnels.map((end) => end.interface) : []);
    for (const route of device.routes) {
      const warn = (message: string) =>
        warnings.push({
          file: route.file,
          line: route.line,
          message: `${formatPrefix(route.prefix)}: ${message}`,
        });
      let egress: Egress | null | undefined = null;
      if (route.blackhole) {
        egress = BLACKHOLE;
      } else if (route.interface !== null) {
        egress = tunnelEgresses.get(route.interface) ?? linkEgresses.get(route.interface);
        if (egress) {
          // Known already.
        } else if (interfaceNames.has(route.interface)) {
          const networkInterface = device.interfaces.find((candidate) => candidate.name === route.interface)!;
          const first = networkInterface.addresses[0];
          if (first) {
            egress = {
              kind: 'link',
              link: prefixKey(first),
              members: membersOf(prefixKey(first)),
              interface: route.interface,
            };
            linkEgresses.set(route.interface, egress);
          } else warn(`interface ${route.interface} has no address; the route is inactive`);
        } else if (!removedTunnels.has(route.interface)) {
          warn(`points at ${route.interface}, which does not exist; the route is inactive`);
        }
      } else if (route.nextHop !== null) {
        // The next hop must sit on a connected network (or be a tunnel's far end).
        let best: Entry | null = null;
        for (const entry of connected) {
          if (
            contains(entry.prefix, route.nextHop) &&
            (best === null || entry.prefix.length > best.prefix.length)
          ) {
            best = entry;
          }
        }
        if (best) egress = best.egress;
        else if (
          !options.withoutTunnels ||
          !device.tunnels.some((end) => end.remoteAddress === route.nextHop)
        ) {
          warn(`next-hop ${formatAddress(route.nextHop)} is on no connected network; the route is inactive`);
        }
      }
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
  return { network: { hosts, byName, links, wanLinks, underlay, tunnels }, warnings };
}

type Failure = { reason: Exclude<Reason, 'no-return-path'>; at: string; detail: string };

/** What one host does with a packet for `destination`. */
export type Decision =
  | { kind: 'delivered' }
  | { kind: 'forward'; next: Host; tunnel: Tunnel | null; underlay: boolean }
  | ({ kind: 'fail' } & Failure);

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
  if (next && next !== current) {
    if (entry.nextHop === null) return { kind: 'forward', next, tunnel: null, underlay: false };
    return remember(entry, { kind: 'forward', next, tunnel: null, underlay: false });
  }
  if (network.wanLinks.has(egress.link)) {
    // Out to the internet, which carries WAN addresses only.
    const router = network.underlay.get(destination);
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
  const steps: Step[] = [];
  let current: Host = origin;
  for (let hop = 0; hop <= MAX_HOPS; hop++) {
    const decision = decide(network, current, destination, current === origin, underlayOnly);
    if (decision.kind === 'delivered') return { delivered: true, steps, failure: null };
    if (decision.kind === 'fail') return { delivered: false, steps, failure: decision };
    if (decision.underlay) steps.push({ host: 'underlay', tunnel: null });
    steps.push({ host: decision.next, tunnel: decision.tunnel });
    current = decision.next;
  }
  return {
    delivered: false,
    steps,
    failure: {
      reason: 'loop',
      at: current.name,
      detail: `${formatAddress(destination)}: more than ${MAX_HOPS} hops, a routing loop`,
    },
  };
}

/**
 * The rest of a packet's way from the host it has reached, in the shape of an Outcome so that
 * one object serves every pair whose packets take that way (see pathFinder).
 */
export type Suffix = Outcome;

/** [first, ...head, ...rest], sized exactly: a million of these stay in the report. */
function prepend(head: readonly string[], rest: readonly string[], first: string): string[] {
  const out = new Array<string>(1 + head.length + rest.length);
  out[0] = first;
  for (let index = 0; index < head.length; index++) out[1 + index] = head[index]!;
  for (let index = 0; index < rest.length; index++) out[1 + head.length + index] = rest[index]!;
  return out;
}

const DELIVERED: Suffix = {
  reachable: true,
  reason: null,
  at: null,
  detail: null,
  path: [],
  tunnels: [],
  routers: 0,
  ttl: INITIAL_TTL,
};

/** A packet dropped at `host`: the same object for every destination dropped there for one reason. */
function dropped(decision: Decision & { kind: 'fail' }, path: string[], routers: number): Suffix {
  return {
    reachable: false,
    reason: decision.reason,
    at: decision.at,
    detail: decision.detail,
    path,
    tunnels: [],
    routers,
    ttl: null,
  };
}

/**
 * Paths towards a fixed list of destinations, memoised per (host, destination): every source
 * whose packets meet at a host shares what follows, so N groups cost about N x hosts decisions
 * instead of N^2 walks, and the results are shared objects: treat them as read-only.
 */
export function pathFinder(network: Network, destinations: readonly number[]) {
  const count = destinations.length;
  /** Per host index: per destination, the suffix from that host (allocated on first use). */
  const memo: (Suffix | undefined | null)[][] = [];
  /** Failure suffixes shared per decision: at a host on the way, and at the sender itself. */
  const drops = new Map<Decision, Suffix>();
  const senderDrops = new Map<Decision, Suffix>();
  const VISITING = null;
  function suffix(host: Host, target: number): Suffix {
    let row = memo[host.index];
    if (!row) {
      row = new Array(count);
      memo[host.index] = row;
    }
    const known = row[target];
    if (known === VISITING) {
      return dropped(
        { kind: 'fail', reason: 'loop', at: host.name, detail: `a routing loop through ${host.name}` },
        [host.name],
        1,
      );
    }
    if (known) return known;
    row[target] = VISITING;
    const result = extend(host, decide(network, host, destinations[target]!, false), target);
    row[target] = result;
    return result;
  }
  function extend(host: Host, decision: Decision, target: number): Suffix {
    if (decision.kind === 'delivered') return DELIVERED;
    if (decision.kind === 'fail') {
      let shared = drops.get(decision);
      if (!shared) {
        shared = dropped(decision, [host.name], host.kind === 'router' ? 1 : 0);
        drops.set(decision, shared);
      }
      return shared;
    }
    const rest = suffix(decision.next, target);
    const routers = rest.routers + (host.kind === 'router' ? 1 : 0) + (decision.underlay ? 1 : 0);
    return {
      reachable: rest.reachable,
      reason: rest.reason,
      at: rest.at,
      detail: rest.detail,
      path: decision.underlay
        ? prepend(['underlay'], rest.path, host.name)
        : prepend([], rest.path, host.name),
      tunnels: decision.tunnel ? [decision.tunnel.name, ...rest.tunnels] : rest.tunnels,
      routers,
      ttl: rest.reachable ? INITIAL_TTL - routers : null,
    };
  }
  function start(origin: Host, target: number): Suffix {
    const decision = decide(network, origin, destinations[target]!, true);
    if (decision.kind === 'delivered') return DELIVERED;
    if (decision.kind === 'fail') {
      let shared = senderDrops.get(decision);
      if (!shared) {
        shared = dropped(decision, [], 0);
        senderDrops.set(decision, shared);
      }
      return shared;
    }
    const rest = suffix(decision.next, target);
    if (!decision.underlay && !decision.tunnel) return rest;
    const routers = rest.routers + (decision.underlay ? 1 : 0);
    return {
      reachable: rest.reachable,
      reason: rest.reason,
      at: rest.at,
      detail: rest.detail,
      path: decision.underlay ? ['underlay', ...rest.path] : rest.path,
      tunnels: decision.tunnel ? [decision.tunnel.name, ...rest.tunnels] : rest.tunnels,
      routers,
      ttl: rest.reachable ? INITIAL_TTL - routers : null,
    };
  }
  /**
   * The way from `origin` (which sends, and is left out of the path) to destination `target`.
   * Not memoised itself: the sender's decision is cached on its route and what follows is.
   */
  return start;
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
