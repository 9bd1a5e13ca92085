// What a parsed device file says about forwarding, in one shape for every format: VyOS set
// scripts, Linux router files and netplan all become a Device. Only what forwarding needs is
// kept; everything else was recognised and dropped by the parser, or reported as a warning.
import type { InterfaceAddress, Prefix } from './address.ts';

/** A line the parser did not understand, or a setting that makes a device behave oddly. */
export interface Warning {
  /** Path relative to generated/network. */
  file: string;
  /** 1-based line, 0 when the warning is about the whole file. */
  line: number;
  message: string;
}

/** Where a setting came from, for messages. */
export interface Origin {
  file: string;
  line: number;
}

export interface DeviceInterface {
  /** eth0, eth1.110 (VLAN), ens160, vtun0. */
  name: string;
  addresses: InterfaceAddress[];
  disabled: boolean;
  origin: Origin;
}

export interface StaticRoute {
  prefix: Prefix;
  /** Next-hop address, or null for a route straight into an interface. */
  nextHop: number | null;
  /** Egress interface, or null when the next hop decides it. */
  interface: string | null;
  blackhole: boolean;
  /** Administrative distance; the lowest wins among routes to the same prefix. */
  distance: number;
  /** Where the route was read; flat rather than an Origin: a large environment has a million routes. */
  file: string;
  line: number;
}

export type Authentication =
  /** `key` is the basis of the key's name: the file or PKI name without folder and extension. */
  { kind: 'static-key'; key: string } | { kind: 'tls'; role: 'active' | 'passive' };

/** One end of an OpenVPN site-to-site tunnel as its own device describes it. */
export interface TunnelEnd {
  router: string;
  interface: string;
  protocol: 'udp' | 'tcp-active' | 'tcp-passive';
  localHost: number | null;
  remoteHost: number | null;
  /** The port this end listens on (OpenVPN's default 1194 when unset). */
  localPort: number;
  /** The port this end sends to (OpenVPN's default 1194 when unset). */
  remotePort: number;
  localAddress: number | null;
  remoteAddress: number | null;
  /** null when neither a static key nor TLS is configured. */
  authentication: Authentication | null;
  disabled: boolean;
  origin: Origin;
}

export interface NatRule {
  rule: string;
  outboundInterface: string | null;
  exclude: boolean;
  masquerade: boolean;
  origin: Origin;
}

export interface Device {
  name: string;
  kind: 'router' | 'server';
  /** The device's own name for itself (VyOS system host-name), when it says. */
  hostName: string | null;
  /** Files that describe this device, relative to generated/network. */
  files: string[];
  interfaces: DeviceInterface[];
  routes: StaticRoute[];
  tunnels: TunnelEnd[];
  nat: NatRule[];
  /** Whether it forwards packets that are not its own (routers do; servers don't). */
  forwards: boolean;
}

export interface ParseResult {
  device: Device;
  warnings: Warning[];
}

export const OPENVPN_DEFAULT_PORT = 1194;

/** A tunnel end before any of its settings are read: OpenVPN's defaults. */
export function newTunnelEnd(router: string, name: string, origin: Origin): TunnelEnd {
  return {
    router,
    interface: name,
    protocol: 'udp',
    localHost: null,
    remoteHost: null,
    localPort: OPENVPN_DEFAULT_PORT,
    remotePort: OPENVPN_DEFAULT_PORT,
    localAddress: null,
    remoteAddress: null,
    authentication: null,
    disabled: false,
    origin,
  };
}

export function emptyDevice(name: string, kind: Device['kind']): Device {
  return {
    name,
    kind,
    hostName: null,
    files: [],
    interfaces: [],
    routes: [],
    tunnels: [],
    nat: [],
    forwards: kind === 'router',
  };
}

/** The interface called `name`, created on first mention. */
export function interfaceOf(device: Device, name: string, origin: Origin): DeviceInterface {
  let found = device.interfaces.find((candidate) => candidate.name === name);
  if (!found) {
    found = { name, addresses: [], disabled: false, origin };
    device.interfaces.push(found);
  }
  return found;
}

/** The basis of a key's name: `/config/auth/site1--site2.key` and `site1--site2` agree. */
export function keyBasis(name: string): string {
  const base = name.slice(name.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}
