// Reads a netplan file (a server's LAN interface, addresses and routes) back into a Device.
// Keys that do not change forwarding are recognised and dropped; anything else is a warning
// with its line, found through the YAML document's source positions.
import { isMap, isSeq, LineCounter, parseDocument, type YAMLMap } from 'yaml';
import { parseAddress, parseInterfaceAddress, parsePrefix } from '../address.ts';
import { emptyDevice, interfaceOf, type ParseResult, type StaticRoute, type Warning } from '../device.ts';

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

export function parseNetplan(
  name: string,
  kind: 'router' | 'server',
  file: string,
  text: string,
): ParseResult {
  const device = emptyDevice(name, kind);
  device.files.push(file);
  const warnings: Warning[] = [];
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter });
  const lineOf = (node: unknown): number => {
    const range = (node as { range?: [number, number, number] } | null)?.range;
    return range ? lineCounter.linePos(range[0]).line : 0;
  };
  for (const error of document.errors) warnings.push({ file, line: lineOf(error), message: error.message });
  const network = document.get('network');
  if (!isMap(network)) {
    warnings.push({ file, line: 0, message: 'no network: mapping' });
    return { device, warnings };
  }
  for (const section of network.items) {
    const sectionName = String((section.key as { value?: unknown })?.value ?? section.key);
    if (sectionName === 'version' || sectionName === 'renderer') continue;
    if (!INTERFACE_KINDS.has(sectionName) || !isMap(section.value)) {
      warnings.push({ file, line: lineOf(section.key), message: `not modelled: network.${sectionName}` });
      continue;
    }
    for (const entry of (section.value as YAMLMap).items) {
      const interfaceName = String((entry.key as { value?: unknown })?.value ?? entry.key);
      const origin = { file, line: lineOf(entry.key) };
      const networkInterface = interfaceOf(device, interfaceName, origin);
      if (!isMap(entry.value)) continue;
      for (const setting of entry.value.items) {
        const key = String((setting.key as { value?: unknown })?.value ?? setting.key);
        const line = lineOf(setting.key);
        const warn = (message: string) => warnings.push({ file, line, message });
        const value = setting.value;
        if (key === 'addresses' && isSeq(value)) {
          for (const item of value.items) {
            const text = String((item as { value?: unknown })?.value ?? item);
            if (text.includes(':')) continue; // IPv6 is not modelled (see README)
            const address = parseInterfaceAddress(text);
            if (address === null)
              warnings.push({ file, line: lineOf(item), message: `invalid address: ${text}` });
            else networkInterface.addresses.push(address);
          }
        } else if (key === 'gateway4') {
          const nextHop = parseAddress(String((value as { value?: unknown })?.value));
          if (nextHop === null) warn(`invalid gateway4`);
          else device.routes.push(route({ network: 0, length: 0 }, nextHop, { file, line }));
        } else if (key === 'routes' && isSeq(value)) {
          for (const item of value.items) {
            const itemLine = lineOf(item);
            if (!isMap(item)) {
              warnings.push({ file, line: itemLine, message: 'a route must be a mapping' });
              continue;
            }
            const to = String(item.get('to'));
            const via = item.get('via');
            if (to.includes(':') || String(via).includes(':')) continue; // IPv6
            const prefix = to === 'default' ? { network: 0, length: 0 } : parsePrefix(to);
            const nextHop = via === undefined ? null : parseAddress(String(via));
            if (prefix === null || (via !== undefined && nextHop === null)) {
              warnings.push({ file, line: itemLine, message: `invalid route: to ${to} via ${String(via)}` });
              continue;
            }
            for (const pair of item.items) {
              const routeKey = String((pair.key as { value?: unknown })?.value ?? pair.key);
              if (routeKey !== 'to' && routeKey !== 'via' && !IGNORED_ROUTE_KEYS.has(routeKey)) {
                warnings.push({ file, line: lineOf(pair.key), message: `not modelled: route ${routeKey}` });
              }
            }
            const added = route(prefix, nextHop, { file, line: itemLine });
            if (nextHop === null) added.interface = interfaceName;
            device.routes.push(added);
          }
        } else if (key === 'dhcp4') {
          if (String((value as { value?: unknown })?.value) === 'true')
            warn('dhcp4: the address is dynamic, not modelled');
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
