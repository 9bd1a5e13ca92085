// computeReachability: generated files in, reachability report out, no I/O. Servers are put in
// groups that forwarding cannot tell apart (same link, same routes, matched by the same
// routes everywhere), every ordered group pair is walked there and back, and the result is
// expanded to servers by lookup: 10,000 servers cost as many walks as their segments do.
import {
  contains,
  formatAddress,
  formatPrefix,
  type InterfaceAddress,
  networkOf,
  prefixKey,
} from '../address.ts';
import type { Device, Warning } from '../device.ts';
import { parseDevices } from '../read/devices.ts';
import {
  DenseMatrix,
  type Matrix,
  type Outcome,
  REPORT_FORMAT,
  REPORT_VERSION,
  type ReachReport,
  type ReportGroup,
  type ReportServer,
} from '../report/report.ts';
import { buildNetwork, checkUnderlay, type Network, wanInterfaces } from './forwarding.ts';
import { pathFinder, type Suffix } from './paths.ts';
import { pairTunnels } from './tunnels.ts';

interface Group {
  report: ReportGroup;
  members: { device: Device; address: number }[];
}

function primaryAddress(device: Device): InterfaceAddress | null {
  for (const networkInterface of device.interfaces) {
    if (networkInterface.disabled) continue;
    const first = networkInterface.addresses[0];
    if (first) return first;
  }
  return null;
}

function routeSignature(device: Device): string {
  const interfaces = device.interfaces.map(
    (networkInterface) =>
      `${networkInterface.name}${networkInterface.disabled ? '!' : ''}=${networkInterface.addresses.map(prefixKey).join(',')}`,
  );
  const routes = device.routes.map(
    (route) =>
      `${prefixKey(route.prefix)}>${route.nextHop ?? ''}>${route.interface ?? ''}>${route.blackhole ? 'b' : ''}>${route.distance}`,
  );
  return `${interfaces.join(' ')}|${routes.join(' ')}`;
}

// One piece (over 80 lines): the passes (specific prefixes, routers per link, members, order) build one grouping.
/** Groups servers that every routing table treats alike. */
function groupServers(devices: readonly Device[], warnings: Warning[]): Group[] {
  // Prefixes more specific than a server's segment single some of its servers out.
  const specific = new Map<number, Set<number>>();
  for (const device of devices) {
    for (const route of device.routes) {
      let set = specific.get(route.prefix.length);
      if (!set) {
        set = new Set();
        specific.set(route.prefix.length, set);
      }
      set.add(route.prefix.network);
    }
  }
  const lengths = [...specific.keys()].sort((x, y) => x - y);
  const byKey = new Map<string, Group>();
  const groupsOfPrefix = new Map<string, number>();
  const routerOn = new Map<string, string>();
  for (const device of devices) {
    if (device.kind !== 'router') continue;
    for (const networkInterface of device.interfaces) {
      for (const address of networkInterface.addresses)
        routerOn.set(`${prefixKey(address)} ${address.address}`, device.name);
    }
  }
  const routersByLink = new Map<string, string>();
  for (const [key, router] of routerOn) {
    const link = key.slice(0, key.indexOf(' '));
    if (!routersByLink.has(link)) routersByLink.set(link, router);
  }
  const seenAddresses = new Map<number, string>();
  for (const device of devices) {
    if (device.kind !== 'server') continue;
    const primary = primaryAddress(device);
    if (!primary) {
      warnings.push({
        file: device.files[0] ?? device.name,
        line: 0,
        message: `${device.name} has no IPv4 address; left out`,
      });
      continue;
    }
    const duplicate = seenAddresses.get(primary.address);
    if (duplicate) {
      warnings.push({
        file: device.files[0] ?? device.name,
        line: 0,
        message: `${device.name} has ${formatAddress(primary.address)}, like ${duplicate}`,
      });
    }
    seenAddresses.set(primary.address, device.name);
    const singled = lengths
      .filter(
        (length) => length > primary.length && specific.get(length)!.has(networkOf(primary.address, length)),
      )
      .join(',');
    const key = `${prefixKey(primary)}|${routeSignature(device)}|${singled}`;
    let group = byKey.get(key);
    if (!group) {
      const prefix = formatPrefix(primary);
      const count = (groupsOfPrefix.get(prefix) ?? 0) + 1;
      groupsOfPrefix.set(prefix, count);
      const gateway = device.routes.find(
        (route) => route.prefix.length === 0 && route.nextHop !== null,
      )?.nextHop;
      const router =
        (gateway !== undefined && gateway !== null && contains(primary, gateway)
          ? routerOn.get(`${prefixKey(primary)} ${gateway}`)
          : undefined) ??
        routersByLink.get(prefixKey(primary)) ??
        null;
      group = {
        report: { id: count === 1 ? prefix : `${prefix}#${count}`, prefix, router, servers: [] },
        members: [],
      };
      byKey.set(key, group);
    }
    group.members.push({ device, address: primary.address });
  }
  const groups = [...byKey.values()];
  for (const group of groups) {
    group.members.sort((x, y) =>
      x.device.name < y.device.name ? -1 : x.device.name > y.device.name ? 1 : 0,
    );
    group.report.servers = group.members.map((member) => member.device.name);
  }
  const numeric = (group: Group) => group.members[0]!.address >>> 0;
  return groups.sort((x, y) => {
    const rx = x.report.router ?? '\uffff';
    const ry = y.report.router ?? '\uffff';
    if (rx !== ry) return rx < ry ? -1 : 1;
    return numeric(x) - numeric(y);
  });
}

function sameReversed(forward: readonly string[], back: readonly string[]): boolean {
  if (forward.length !== back.length) return false;
  for (let index = 0; index < forward.length; index++) {
    if (forward[index] !== back[forward.length - 1 - index]) return false;
  }
  return true;
}

function pairOutcome(forward: Suffix, back: Suffix): Outcome {
  // The common cases share the forward object: it is already an Outcome.
  if (!forward.reachable || (back.reachable && sameReversed(forward.path, back.path))) return forward;
  const result: Outcome = { ...forward, returnPath: back.path };
  if (!back.reachable) {
    result.reachable = false;
    result.reason = 'no-return-path';
    result.at = back.at;
    result.detail = `the reply is lost (${back.reason}): ${back.detail}`;
    result.ttl = null;
  }
  return result;
}

function computeMatrix(network: Network, groups: readonly Group[]): Matrix {
  // Destination i < groups.length is group i's first server; the diagonal pair of a group
  // (two different servers of it) goes to its second server, listed after.
  const destinations = groups.map((group) => group.members[0]!.address);
  const second = groups.map((group) => {
    const member = group.members[1];
    if (!member) return -1;
    destinations.push(member.address);
    return destinations.length - 1;
  });
  const from = pathFinder(network, destinations);
  const hosts = groups.map((group) =>
    group.members.slice(0, 2).map((member) => network.byName.get(member.device.name)!),
  );
  const hostOf = (group: number, index: number) => hosts[group]![index]!;
  // The way back from group j to group i is group j's way to group i: walk every ordered pair
  // once, then pair each walk with its reverse. Only the diagonal (two servers of one group)
  // needs a walk of its own back.
  const walks: Suffix[][] = [];
  for (let sourceIndex = 0; sourceIndex < groups.length; sourceIndex++) {
    const sourceHost = hostOf(sourceIndex, 0);
    const row: Suffix[] = new Array(groups.length);
    for (let targetIndex = 0; targetIndex < groups.length; targetIndex++) {
      const diagonal = sourceIndex === targetIndex && second[sourceIndex]! >= 0;
      row[targetIndex] = from(sourceHost, diagonal ? second[sourceIndex]! : targetIndex);
    }
    walks.push(row);
  }
  const rows: Outcome[][] = [];
  for (let sourceIndex = 0; sourceIndex < groups.length; sourceIndex++) {
    const row: Outcome[] = new Array(groups.length);
    for (let targetIndex = 0; targetIndex < groups.length; targetIndex++) {
      const forward = walks[sourceIndex]![targetIndex]!;
      const diagonal = sourceIndex === targetIndex && second[sourceIndex]! >= 0;
      const back = !forward.reachable
        ? forward
        : diagonal
          ? from(hostOf(targetIndex, 1), sourceIndex)
          : walks[targetIndex]![sourceIndex]!;
      row[targetIndex] = pairOutcome(forward, back);
    }
    rows.push(row);
  }
  return new DenseMatrix(rows);
}

/**
 * The most server groups reach computes matrices for, unless told otherwise. The matrices are
 * quadratic in groups (a cell per ordered pair and view, most of them a path of their own):
 * about 300 bytes a cell, measured. 1,000 groups (one per site at 1,000 sites) took 0.9 GB,
 * 2,000 took 2.6 GB, 10,000 would take 60 GB. Past the limit reach says so at once instead of
 * running out of memory.
 */
export const MAX_GROUPS = 1600;

/** Measured: 2,000 groups took 2.6 GB, about 650 bytes per group pair for both views. */
const BYTES_PER_GROUP_PAIR = 650;

/** The memory the matrices of `groups` groups take, roughly: `2.6 GB`, `65 GB`. */
function memoryEstimate(groups: number): string {
  const gigabytes = (groups * groups * BYTES_PER_GROUP_PAIR) / 1e9;
  return `${gigabytes < 10 ? gigabytes.toFixed(1) : Math.round(gigabytes).toLocaleString('en-US')} GB`;
}

/** An environment with more server groups than reach computes matrices for (MAX_GROUPS). */
export class ReachLimitError extends Error {
  override name = 'ReachLimitError';
  readonly groups: number;
  constructor(groups: number, limit: number) {
    super(
      `${groups.toLocaleString('en-US')} server groups make ${(groups * groups).toLocaleString('en-US')} group pairs per view; reach computes its matrices for at most ${limit.toLocaleString('en-US')} groups (a group per segment: about ${limit.toLocaleString('en-US')} sites); ${groups.toLocaleString('en-US')} would take about ${memoryEstimate(groups)} of memory (--max-groups raises the limit where that memory is there)`,
    );
    this.groups = groups;
  }
}

export function computeReachability(
  files: ReadonlyMap<string, string>,
  options: { maxGroups?: number } = {},
): ReachReport {
  const maxGroups = options.maxGroups ?? MAX_GROUPS;
  // Servers on different segments are never one group: more segments than the limit are
  // refused before the routers are parsed, which is most of the time and memory.
  const { devices, warnings } = parseDevices(files, (servers) => {
    const segments = new Set<number>();
    for (const server of servers) {
      const primary = primaryAddress(server);
      if (primary) segments.add(networkOf(primary.address, primary.length) * 64 + primary.length);
    }
    if (segments.size > maxGroups) throw new ReachLimitError(segments.size, maxGroups);
  });
  return reachabilityOf(devices, warnings, null, maxGroups);
}

/**
 * The report of parsed devices; `underlayCut`, when given, drops underlay packets between the
 * two routers it names (a partition: simulate/faults.ts).
 */
export function reachabilityOf(
  devices: readonly Device[],
  warnings: Warning[],
  underlayCut: ((from: string, to: string) => boolean) | null,
  maxGroups = MAX_GROUPS,
): ReachReport {
  const wan = wanInterfaces(devices);
  const tunnels = pairTunnels(devices);
  const after = buildNetwork(devices, tunnels, { withoutTunnels: false, wanInterfaces: wan });
  after.network.underlayCut = underlayCut;
  warnings.push(...after.warnings);
  checkUnderlay(after.network);
  const before = buildNetwork(
    devices,
    { tunnels: [], byEnd: new Map() },
    { withoutTunnels: true, wanInterfaces: wan },
  );
  const groups = groupServers(devices, warnings);
  if (groups.length > maxGroups) throw new ReachLimitError(groups.length, maxGroups);
  const servers: ReportServer[] = groups.flatMap((group) =>
    group.members.map((member) => ({
      name: member.device.name,
      address: formatAddress(member.address),
      prefix: group.report.prefix,
      router: group.report.router,
      group: group.report.id,
    })),
  );
  return {
    format: REPORT_FORMAT,
    version: REPORT_VERSION,
    routers: devices
      .filter((device) => device.kind === 'router')
      .map((device) => ({
        name: device.name,
        hostName: device.hostName,
        files: device.files,
        forwards: device.forwards,
      })),
    tunnels: tunnels.tunnels.map((tunnel) => ({
      name: tunnel.name,
      up: tunnel.up,
      ends: tunnel.ends.map((end) => ({
        router: end.router,
        interface: end.interface,
        file: end.origin.file,
        line: end.origin.line,
      })),
      problems: tunnel.problems,
    })),
    groups: groups.map((group) => group.report),
    servers,
    before: computeMatrix(before.network, groups),
    after: computeMatrix(after.network, groups),
    warnings: warnings.sort((x, y) => (x.file < y.file ? -1 : x.file > y.file ? 1 : x.line - y.line)),
  };
}
