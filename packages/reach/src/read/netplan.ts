// Reads a netplan file (a server's LAN interface, addresses and routes) back into a Device.
// Keys that do not change forwarding are recognised and dropped; anything else is a warning
// with its line, found through the YAML document's source positions. The lab reads the same
// file as InterfaceSettings (readNetplanInterfaces), to apply it with `ip`.
import { parse } from 'yaml';
import { parseAddress, parseInterfaceAddress, parsePrefix } from '../address.ts';
import { emptyDevice, interfaceOf, type ParseResult, type StaticRoute, type Warning } from '../device.ts';
import { type InterfaceReading, type InterfaceSettings, newInterfaceSettings } from './interfaces.ts';
import { entryOf, readYamlTree, textOf, type YamlTree } from './yaml-tree.ts';

const INTERFACE_KINDS = new Set(['ethernets', 'vlans', 'bonds', 'bridges']);
const IGNORED_INTERFACE_KEYS = new Set([
  'mtu',
  'match',
  'set-name',
  'dhcp6',
  'optional',
  'link',
  'id',
  'interfaces',
  'parameters',
  'macaddress',
  'wakeonlan',
  'accept-ra',
  'link-local',
  'critical',
  'renderer',
  'nameservers',
  'gateway6',
  'ipv6-mtu',
]);
const IGNORED_ROUTE_KEYS = new Set(['metric', 'on-link', 'table', 'scope', 'type', 'mtu']);

// One piece (over 80 lines): one walk down the YAML document, keeping the source line of every node it warns about.
export function parseNetplan(
  name: string,
  kind: 'router' | 'server',
  file: string,
  text: string,
): ParseResult {
  const device = emptyDevice(name, kind);
  device.files.push(file);
  const warnings: Warning[] = [];
  const reading = readYamlTree(text);
  const lineOf = (node: YamlTree | null | undefined): number => (node ? reading.line(node.offset) : 0);
  for (const message of reading.errors) warnings.push({ file, line: 0, message });
  const network = reading.root?.kind === 'mapping' ? entryOf(reading.root, 'network') : undefined;
  if (network?.kind !== 'mapping') {
    warnings.push({ file, line: 0, message: 'no network: mapping' });
    return { device, warnings };
  }
  for (const section of network.items) {
    const sectionName = textOf(section.key);
    if (sectionName === 'version' || sectionName === 'renderer') continue;
    if (!INTERFACE_KINDS.has(sectionName) || section.value?.kind !== 'mapping') {
      warnings.push({ file, line: lineOf(section.key), message: `not modelled: network.${sectionName}` });
      continue;
    }
    for (const entry of section.value.items) {
      const interfaceName = textOf(entry.key);
      const origin = { file, line: lineOf(entry.key) };
      const networkInterface = interfaceOf(device, interfaceName, origin);
      if (entry.value?.kind !== 'mapping') continue;
      for (const setting of entry.value.items) {
        const key = textOf(setting.key);
        const line = lineOf(setting.key);
        const warn = (message: string) => warnings.push({ file, line, message });
        const value = setting.value;
        if (key === 'addresses' && value?.kind === 'sequence') {
          for (const item of value.items) {
            const text = textOf(item);
            if (text.includes(':')) continue; // IPv6 is not modelled (see README)
            const address = parseInterfaceAddress(text);
            if (address === null)
              warnings.push({ file, line: lineOf(item), message: `invalid address: ${text}` });
            else networkInterface.addresses.push(address);
          }
        } else if (key === 'gateway4') {
          const nextHop = parseAddress(textOf(value));
          if (nextHop === null) warn(`invalid gateway4`);
          else device.routes.push(route({ network: 0, length: 0 }, nextHop, { file, line }));
        } else if (key === 'routes' && value?.kind === 'sequence') {
          for (const item of value.items) {
            const itemLine = lineOf(item);
            if (item?.kind !== 'mapping') {
              warnings.push({ file, line: itemLine, message: 'a route must be a mapping' });
              continue;
            }
            const to = textOf(entryOf(item, 'to'));
            const viaNode = entryOf(item, 'via');
            const via = viaNode === undefined ? undefined : textOf(viaNode);
            if (to.includes(':') || String(via).includes(':')) continue; // IPv6
            const prefix = to === 'default' ? { network: 0, length: 0 } : parsePrefix(to);
            const nextHop = via === undefined ? null : parseAddress(via);
            if (prefix === null || (via !== undefined && nextHop === null)) {
              warnings.push({ file, line: itemLine, message: `invalid route: to ${to} via ${String(via)}` });
              continue;
            }
            for (const pair of item.items) {
              const routeKey = textOf(pair.key);
              if (routeKey !== 'to' && routeKey !== 'via' && !IGNORED_ROUTE_KEYS.has(routeKey)) {
                warnings.push({ file, line: lineOf(pair.key), message: `not modelled: route ${routeKey}` });
              }
            }
            const added = route(prefix, nextHop, { file, line: itemLine });
            if (nextHop === null) added.interface = interfaceName;
            device.routes.push(added);
          }
        } else if (key === 'dhcp4') {
          if (textOf(value) === 'true') warn('dhcp4: the address is dynamic, not modelled');
        } else if (!IGNORED_INTERFACE_KEYS.has(key)) {
          warn(`not modelled: ${interfaceName}.${key}`);
        }
      }
    }
  }
  return { device, warnings };
}

function route(
  prefix: { network: number; length: number },
  nextHop: number | null,
  origin: { file: string; line: number },
): StaticRoute {
  return {
    prefix,
    nextHop,
    interface: null,
    blackhole: false,
    distance: 1,
    file: origin.file,
    line: origin.line,
  };
}

/** netplan's sections of interfaces, and the kind each holds. */
const KIND_OF_SECTION: ReadonlyMap<string, InterfaceSettings['kind']> = new Map([
  ['ethernets', 'ethernet'],
  ['vlans', 'vlan'],
  ['bonds', 'bond'],
  ['bridges', 'bridge'],
]);

interface NetplanInterface {
  mtu?: unknown;
  addresses?: unknown;
  routes?: unknown;
  gateway4?: unknown;
  id?: unknown;
  link?: unknown;
}

/**
 * The interfaces a netplan file configures, in file order: addresses as written (IPv6 too),
 * `routes` and `gateway4` as routes, a VLAN's `link` and `id`. An error when it is not YAML.
 */
export function readNetplanInterfaces(file: string, text: string): InterfaceReading {
  let document: unknown;
  try {
    document = parse(text);
  } catch (error) {
    return { ok: false, error: `${file}: ${(error as Error).message}` };
  }
  const network = (document as { network?: Record<string, unknown> } | null)?.network ?? {};
  const interfaces: InterfaceSettings[] = [];
  for (const [section, entries] of Object.entries(network)) {
    const kind = KIND_OF_SECTION.get(section);
    if (!kind || entries === null || typeof entries !== 'object') continue;
    for (const [name, value] of Object.entries(entries as Record<string, NetplanInterface | null>)) {
      const settings = newInterfaceSettings(name, kind);
      const config = value ?? {};
      if (typeof config.mtu === 'number') settings.mtu = config.mtu;
      if (Array.isArray(config.addresses)) settings.addresses = config.addresses.map(String);
      if (config.gateway4 !== undefined)
        settings.routes.push({ to: 'default', via: String(config.gateway4) });
      if (Array.isArray(config.routes)) {
        for (const route of config.routes as { to?: unknown; via?: unknown }[])
          settings.routes.push({
            to: String(route?.to),
            via: route?.via === undefined ? null : String(route.via),
          });
      }
      if (kind === 'vlan' && typeof config.link === 'string' && typeof config.id === 'number')
        settings.vlan = { parent: config.link, id: config.id };
      interfaces.push(settings);
    }
  }
  return { ok: true, interfaces };
}
