// Ethernet and loopback interfaces: addresses, a `vif` per tagged VLAN (eth1.110) and `disable`.
import { parseInterfaceAddress } from '../../address.ts';
import { interfaceOf } from '../../device.ts';
import { invalid, type SetLine, unknown, type VyosReading, warn } from './context.ts';

/** Interface settings that do not change addressing. */
const IGNORED_INTERFACE_SETTINGS = new Set([
  'description',
  'mtu',
  'hw-id',
  'duplex',
  'speed',
  'firewall',
  'traffic-policy',
  'ip',
  'ipv6',
  'redirect',
  'offload',
  'ring-buffer',
]);

/** `interfaces ethernet|loopback NAME [vif ID] SETTING ...` */
export function readInterface(reading: VyosReading, line: SetLine): void {
  const { path } = line;
  const base = path[2];
  if (base === undefined) {
    unknown(reading, line);
    return;
  }
  let name = base;
  let rest = path.slice(3);
  if (rest[0] === 'vif') {
    if (rest[1] === undefined || !/^\d+$/.test(rest[1])) {
      invalid(reading, line, 'vif');
      return;
    }
    name = `${base}.${rest[1]}`;
    rest = rest.slice(2);
  }
  const networkInterface = interfaceOf(reading.device, name, line.origin);
  const setting = rest[0];
  if (setting === 'address') {
    const value = rest[1];
    if (value === 'dhcp' || value === 'dhcpv6') {
      warn(reading, line, `dynamic address, not modelled: ${line.raw}`);
    } else if (value?.includes(':')) {
      // IPv6 is not modelled: the environments are IPv4 (see README).
    } else {
      const address = value === undefined ? null : parseInterfaceAddress(value);
      if (address === null) invalid(reading, line, 'address');
      else networkInterface.addresses.push(address);
    }
  } else if (setting === 'disable') {
    networkInterface.disabled = true;
  } else if (setting === undefined || !IGNORED_INTERFACE_SETTINGS.has(setting)) {
    unknown(reading, line);
  }
}
