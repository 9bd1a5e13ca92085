// computeReachability: generated files in, reachability report out, no I/O. Servers are put in
// groups that forwarding cannot tell apart (same link, same routes, matched by the same
// routes everywhere), each view's matrix is the runs of the hosts their packets meet
// (simulate/runs.ts), and a cell, followed there and back on demand, stands for all the server
// pairs of its two groups.
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
  REPORT_FORMAT,
  REPORT_VERSION,
  type ReachReport,
  type ReportGroup,
  type ReportServer,
} from '../report/report.ts';
import { MAX_GROUPS } from '../report/runs.ts';
import { buildNetwork, checkUnderlay, wanInterfaces } from './forwarding.ts';
import { runMatrix } from './runs.ts';
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

/**
 * The report of the generated files. Linear in hosts and routes: the matrices are runs
 * (report/runs.ts). `maxGroups` bounds what counting every cell may take (RunMatrix.fate).
 */
export function computeReachability(
  files: ReadonlyMap<string, string>,
  options: { maxGroups?: number } = {},
): ReachReport {
  const { devices, warnings } = parseDevices(files);
  return reachabilityOf(devices, warnings, null, options.maxGroups ?? MAX_GROUPS);
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
    before: runMatrix(before.network, groups, maxGroups),
    after: runMatrix(after.network, groups, maxGroups),
    warnings: warnings.sort((x, y) => (x.file < y.file ? -1 : x.file > y.file ? 1 : x.line - y.line)),
  };
}
