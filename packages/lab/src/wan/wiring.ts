// The lab's WAN as plain data. The underlay namespace is the lab's internet; when the topology
// asks for emulation, every tunnel's underlay path goes through a wire of its own:
//
//   router A ─ br0 ─┐ underlay ┌─ e<i>t ═══ wirefilter or netem ═══ wire ─┐ wire namespace
//                   │  rules   └─ e<i>v ────────── veth ────────── back ─┘   for link i
//   router B ─ br0 ─┘
//
// In the underlay, policy rules send A->B into e<i>t and B->A into e<i>v; the wire namespace
// hands each back on the other side, so every packet crosses the wire once, A->B left to right
// and B->A right to left. Packets that come back from a wire use the main table (they go to
// their router on br0). Traffic that is not between two tunnel ends (the operator's SSH, a
// server's ping to its own router) never meets a wire. The routers' own files do not change:
// the WAN is the lab's internet, not the routers' business.
import { type Impairment, isImpaired, type WanLink } from './impairment.ts';
import { netemCommand } from './netem.ts';
import { wireCommand } from './wirefilter.ts';

export type WanMechanism = 'wirefilter' | 'netem';

export interface WanWire {
  link: string;
  /** The wire namespace. */
  namespace: string;
  /** The process that is the wire (wirefilter only); the lab records its process group. */
  command: string[] | null;
  /** wirefilter's management socket, relative to the lab folder. */
  management: string | null;
  /** Relative to the lab folder. */
  log: string;
  /** The interfaces that must exist before the addresses are set (the taps vde_plug opens). */
  waitFor: { namespace: string; device: string }[];
  forward: Impairment;
  reverse: Impairment;
}

export interface WanWiring {
  mechanism: WanMechanism;
  /** Wire namespaces to create, one per link. */
  namespaces: { name: string; of: string }[];
  /** Run before the wires start: sysctls. */
  prepare: string[][];
  wires: WanWire[];
  /** Run once every wire's interfaces exist: addresses, routes, rules, qdiscs. */
  connect: string[][];
}

export interface WanWiringInput {
  mechanism: WanMechanism;
  underlay: string;
  links: WanLink[];
  /** The namespace name of link i's wire. */
  wireNamespace: (index: number) => string;
  /** Absolute lab folder: the wire's management socket lives there. */
  folder: string;
  /** The largest WAN MTU of the routers: the wire carries their packets unchanged. */
  mtu: number;
  /** The routers' ports on the underlay (their WAN veths, on br0 until now) and their WAN hosts. */
  routerPorts: { device: string; host: string }[];
  /** The routers' WAN prefixes: whoever else is on them (the operator) stays on br0. */
  wanPrefixes: string[];
  /** Address space the topology uses: the wires' /30s stay clear of it. */
  used?: { network: number; length: number }[];
}

// 198.18.0.0/15 is reserved for network benchmarks (RFC 2544): two /30 per link, in /29 blocks
// that skip whatever the topology itself uses of it (wide-2012's WAN is 198.18.0.0/24).
const WIRE_SPACE = ((198 << 24) | (18 << 16)) >>> 0;
export const MAX_WIRES = 2 ** 17 / 8;

function wireBlocks(count: number, used: readonly { network: number; length: number }[]): number[] | string {
  const blocks: number[] = [];
  const overlaps = (network: number) =>
    used.some((prefix) => {
      const size = 2 ** (32 - prefix.length);
      const start = prefix.network >>> 0;
      return network < start + size && start < network + 8;
    });
  for (let network = WIRE_SPACE; network < WIRE_SPACE + 2 ** 17 && blocks.length < count; network += 8) {
    if (!overlaps(network)) blocks.push(network);
  }
  return blocks.length === count
    ? blocks
    : `no room for ${count} WAN wires in 198.18.0.0/15 beside the topology's addresses`;
}
const TABLE_BASE = 1000;
/** The wire namespace's two interfaces: the wire itself and the veth back to the underlay. */
export const WIRE = 'wire';
export const BACK = 'back';
const RULE_BACK = 100;
const RULE_PAIR = 200;

const address = (value: number) => [24, 16, 8, 0].map((shift) => (value >>> shift) & 255).join('.');
const ip = (namespace: string, ...args: (string | number)[]) => ['ip', '-n', namespace, ...args.map(String)];
const sysctl = (namespace: string, ...settings: string[]) => [
  'ip',
  'netns',
  'exec',
  namespace,
  'sysctl',
  '-q',
  '-w',
  ...settings,
];

/** The wire interfaces of link i in the underlay: at most 15 characters up to i = 9,999,999. */
export const wireDevices = (index: number) => ({ tap: `e${index}t`, veth: `e${index}v` });

export function planWan(
  input: WanWiringInput,
): { ok: true; wiring: WanWiring } | { ok: false; error: string } {
  const { mechanism, underlay, links } = input;
  if (links.length > MAX_WIRES)
    return { ok: false, error: `${links.length} WAN links; the lab wires at most ${MAX_WIRES}` };
  const blocks = wireBlocks(links.length, input.used ?? []);
  if (typeof blocks === 'string') return { ok: false, error: blocks };
  const wiring: WanWiring = { mechanism, namespaces: [], prepare: [], wires: [], connect: [] };
  // A packet comes back from a wire with a source that br0 also routes: no reverse-path check.
  wiring.prepare.push(sysctl(underlay, 'net.ipv4.conf.all.rp_filter=0', 'net.ipv4.conf.default.rp_filter=0'));
  wiring.connect.push(...routePorts(input));
  links.forEach((link, index) => {
    const namespace = input.wireNamespace(index);
    wiring.namespaces.push({ name: namespace, of: link.name });
    wiring.prepare.push(
      sysctl(
        namespace,
        'net.ipv4.ip_forward=1',
        'net.ipv4.conf.all.rp_filter=0',
        'net.ipv4.conf.default.rp_filter=0',
      ),
    );
    wiring.wires.push(wire(input, link, index, namespace));
    wiring.connect.push(...connectLink(input, link, index, namespace, blocks[index]!));
  });
  return { ok: true, wiring };
}

/**
 * Routers that share a WAN prefix (keio-2019's building network) talk across br0 without the
 * underlay routing them, so no rule could send them through a wire. With emulation each router
 * port leaves the bridge and becomes a routed port: a host route to the router, and proxy ARP
 * on every port so that the routers and the operator still see one segment.
 */
function routePorts(input: WanWiringInput): string[][] {
  const { underlay } = input;
  const commands: string[][] = [sysctl(underlay, 'net.ipv4.conf.br0.proxy_arp=1')];
  for (const prefix of input.wanPrefixes)
    commands.push(ip(underlay, 'route', 'replace', prefix, 'dev', 'br0'));
  for (const port of input.routerPorts) {
    commands.push(
      ip(underlay, 'link', 'set', 'dev', port.device, 'nomaster'),
      sysctl(
        underlay,
        `net.ipv4.conf.${port.device}.proxy_arp=1`,
        `net.ipv4.conf.${port.device}.rp_filter=0`,
      ),
      ip(underlay, 'route', 'add', `${port.host}/32`, 'dev', port.device),
    );
  }
  return commands;
}

function wire(input: WanWiringInput, link: WanLink, index: number, namespace: string): WanWire {
  const { tap } = wireDevices(index);
  const base = {
    link: link.name,
    namespace,
    log: `wan/${link.name}.log`,
    forward: link.aToB,
    reverse: link.bToA,
  };
  if (input.mechanism === 'netem') return { ...base, command: null, management: null, waitFor: [] };
  const management = `wan/${link.name}.mgmt`;
  return {
    ...base,
    management,
    command: wireCommand({
      leftNamespace: input.underlay,
      leftTap: tap,
      rightNamespace: namespace,
      rightTap: WIRE,
      forward: link.aToB,
      reverse: link.bToA,
      management: `${input.folder}/${management}`,
    }),
    waitFor: [
      { namespace: input.underlay, device: tap },
      { namespace, device: WIRE },
    ],
  };
}

// One piece (over 80 lines): the commands of one wire in the order the kernel needs them
// (devices, addresses, routes, tables, rules, qdiscs); mostly a list of data.
function connectLink(
  input: WanWiringInput,
  link: WanLink,
  index: number,
  namespace: string,
  base: number,
): string[][] {
  const { underlay, mtu } = input;
  const { tap, veth } = wireDevices(index);
  const tapUnderlay = address(base + 1);
  const tapWire = address(base + 2);
  const vethUnderlay = address(base + 5);
  const vethWire = address(base + 6);
  const [forwardTable, reverseTable] = [TABLE_BASE + 2 * index, TABLE_BASE + 2 * index + 1];
  const commands: string[][] = [];
  if (input.mechanism === 'netem') {
    commands.push(
      ip(
        underlay,
        'link',
        'add',
        tap,
        'mtu',
        mtu,
        'type',
        'veth',
        'peer',
        'name',
        WIRE,
        'mtu',
        mtu,
        'netns',
        namespace,
      ),
    );
  } else {
    commands.push(
      ip(underlay, 'link', 'set', 'dev', tap, 'mtu', mtu),
      ip(namespace, 'link', 'set', 'dev', WIRE, 'mtu', mtu),
    );
  }
  commands.push(
    ip(underlay, 'addr', 'add', `${tapUnderlay}/30`, 'dev', tap),
    ip(underlay, 'link', 'set', 'dev', tap, 'up'),
    ip(namespace, 'addr', 'add', `${tapWire}/30`, 'dev', WIRE),
    ip(namespace, 'link', 'set', 'dev', WIRE, 'up'),
    ip(
      underlay,
      'link',
      'add',
      veth,
      'mtu',
      mtu,
      'type',
      'veth',
      'peer',
      'name',
      BACK,
      'mtu',
      mtu,
      'netns',
      namespace,
    ),
    ip(underlay, 'addr', 'add', `${vethUnderlay}/30`, 'dev', veth),
    ip(underlay, 'link', 'set', 'dev', veth, 'up'),
    ip(namespace, 'addr', 'add', `${vethWire}/30`, 'dev', BACK),
    ip(namespace, 'link', 'set', 'dev', BACK, 'up'),
    // The wire namespace hands A's packets back on the veth and B's on the wire.
    ip(namespace, 'route', 'add', `${link.b.address}/32`, 'via', vethUnderlay, 'dev', BACK),
    ip(namespace, 'route', 'add', `${link.a.address}/32`, 'via', tapUnderlay, 'dev', WIRE),
    ip(underlay, 'route', 'add', 'default', 'via', tapWire, 'dev', tap, 'table', forwardTable),
    ip(underlay, 'route', 'add', 'default', 'via', vethWire, 'dev', veth, 'table', reverseTable),
    ip(underlay, 'rule', 'add', 'iif', tap, 'lookup', 'main', 'priority', RULE_BACK),
    ip(underlay, 'rule', 'add', 'iif', veth, 'lookup', 'main', 'priority', RULE_BACK),
    ip(
      underlay,
      'rule',
      'add',
      'from',
      `${link.a.address}/32`,
      'to',
      `${link.b.address}/32`,
      'lookup',
      forwardTable,
      'priority',
      RULE_PAIR,
    ),
    ip(
      underlay,
      'rule',
      'add',
      'from',
      `${link.b.address}/32`,
      'to',
      `${link.a.address}/32`,
      'lookup',
      reverseTable,
      'priority',
      RULE_PAIR,
    ),
  );
  if (input.mechanism === 'netem') {
    if (isImpaired(link.aToB)) commands.push(netemCommand(underlay, tap, link.aToB, link.bToA));
    if (isImpaired(link.bToA)) commands.push(netemCommand(namespace, WIRE, link.bToA, link.aToB));
  }
  return commands;
}
