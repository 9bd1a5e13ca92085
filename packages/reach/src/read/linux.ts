// Reads the files of a plain Linux router (routers/<router>/ without config.set) back into a
// Device: OpenVPN point-to-point configs (tunnels and the routes they install), systemd-networkd
// files (LAN and VLAN addresses), nftables.conf (which interface is the WAN) and sysctl.conf
// (whether it forwards at all).
//
// The WAN itself is the provider's and is not in these files: the address the tunnels bind
// (`local`) is taken as the WAN address, on the interface nftables treats as the WAN, with a
// default route to the underlay (see README).
import { parseAddress, parseInterfaceAddress, parsePrefix } from '../address.ts';
import { emptyDevice, interfaceOf, type ParseResult, type Warning } from '../device.ts';
import { readNetworkdFile } from './networkd.ts';
import { parseOpenvpn } from './openvpn.ts';

const IGNORED_NETWORKD_KEYS = new Set([
  'RequiredForOnline',
  'MTUBytes',
  'ConfigureWithoutCarrier',
  'LinkLocalAddressing',
  'VLAN',
  'Description',
  'Kind',
  'Id',
  'IPv6AcceptRA',
  'MACAddress',
]);

function parseNetworkd(device: ParseResult['device'], file: string, text: string, warnings: Warning[]): void {
  const reading = readNetworkdFile(text);
  for (const { line, text: raw } of reading.malformed)
    warnings.push({ file, line, message: `not a key=value line: ${raw}` });
  let name: string | null = null;
  const pending: { key: string; value: string; line: number }[] = [];
  for (const { section, key, value, line } of reading.entries) {
    if ((section === 'Match' || section === 'NetDev') && key === 'Name') name = value;
    else pending.push({ key: `${section}.${key}`, value, line });
  }
  if (file.endsWith('.netdev')) return; // the VLAN's own .network file carries its addresses
  if (name === null) {
    warnings.push({ file, line: 0, message: 'no [Match] Name=' });
    return;
  }
  const networkInterface = interfaceOf(device, name, { file, line: 1 });
  let routeDestination: { network: number; length: number } | null = null;
  for (const { key, value, line } of pending) {
    const warn = (message: string) => warnings.push({ file, line, message });
    if (key === 'Network.Address' || key === 'Address.Address') {
      const address = parseInterfaceAddress(value);
      if (address === null) warn(`invalid address: ${value}`);
      else networkInterface.addresses.push(address);
    } else if (key === 'Network.Gateway' || key === 'Route.Gateway') {
      const nextHop = parseAddress(value);
      if (nextHop === null) warn(`invalid gateway: ${value}`);
      else
        device.routes.push({
          prefix: key === 'Route.Gateway' && routeDestination ? routeDestination : { network: 0, length: 0 },
          nextHop,
          interface: null,
          blackhole: false,
          distance: 1,
          file,
          line,
        });
    } else if (key === 'Route.Destination') {
      routeDestination = parsePrefix(value);
      if (routeDestination === null) warn(`invalid destination: ${value}`);
    } else if (key === 'Network.DHCP') {
      if (value !== 'no') warn('DHCP: the address is dynamic, not modelled');
    } else if (!IGNORED_NETWORKD_KEYS.has(key.slice(key.indexOf('.') + 1))) {
      warn(`not modelled: ${key.replace('.', '] ')}`);
    }
  }
}

/** `iifname "eth0" jump wan-input` / `oifname "eth0" ... masquerade` name the WAN. */
function parseNftables(device: ParseResult['device'], file: string, text: string): string | null {
  let wan: string | null = null;
  text.split('\n').forEach((line, index) => {
    const masquerade = /oifname\s+"?([\w.-]+)"?.*\bmasquerade\b/.exec(line);
    if (masquerade) {
      wan = masquerade[1]!;
      device.nat.push({
        rule: `${file}:${index + 1}`,
        outboundInterface: wan,
        exclude: false,
        masquerade: true,
        origin: { file, line: index + 1 },
      });
    }
    const input = /iifname\s+"?([\w.-]+)"?\s+jump\s+wan/.exec(line);
    if (input) wan ??= input[1]!;
  });
  // The rest is the firewall, which reach does not model (see README).
  return wan;
}

export function parseLinuxRouter(router: string, files: ReadonlyMap<string, string>): ParseResult {
  const device = emptyDevice(router, 'router');
  device.forwards = false;
  const warnings: Warning[] = [];
  let wan: string | null = null;
  const paths = [...files.keys()].sort();
  const base = `routers/${router}/`;
  for (const path of paths) {
    const text = files.get(path)!;
    const relative = path.slice(base.length);
    device.files.push(path);
    if (/^openvpn\/[^/]+\.conf$/.test(relative)) {
      const result = parseOpenvpn(router, path, text);
      device.tunnels.push(result.end);
      device.routes.push(...result.routes);
      warnings.push(...result.warnings);
    } else if (/^network\/[^/]+\.(network|netdev)$/.test(relative)) {
      parseNetworkd(device, path, text, warnings);
    } else if (relative === 'nftables.conf') {
      wan = parseNftables(device, path, text);
    } else if (relative === 'sysctl.conf' || /^sysctl\.d\/[^/]+\.conf$/.test(relative)) {
      for (const line of text.split('\n')) {
        const match = /^\s*net\.ipv4\.(?:ip_forward|conf\.all\.forwarding)\s*=\s*(\d)/.exec(line);
        if (match) device.forwards = match[1] === '1';
      }
    } else if (/^systemd\//.test(relative) || relative === 'README.md') {
      // Units that start the tunnels: what they start is read from openvpn/.
    } else if (/^openvpn\/[^/]+\.(key|crt|pem)$/.test(relative)) {
      // Keys and certificates: the configs name them, which is what the tunnel check compares.
    } else {
      warnings.push({ file: path, line: 0, message: 'file not modelled' });
    }
  }
  if (!device.forwards) {
    warnings.push({
      file: base,
      line: 0,
      message: `${router}: nothing sets net.ipv4.ip_forward = 1, so it does not forward`,
    });
  }
  const localHosts = [...new Set(device.tunnels.map((end) => end.localHost).filter((host) => host !== null))];
  if (localHosts.length > 0) {
    const name = wan ?? 'wan';
    const wanInterface = interfaceOf(device, name, { file: base, line: 0 });
    for (const host of localHosts) wanInterface.addresses.push({ address: host, network: host, length: 32 });
    device.routes.push({
      prefix: { network: 0, length: 0 },
      nextHop: null,
      interface: name,
      blackhole: false,
      distance: 1,
      file: base,
      line: 0,
    });
  }
  return { device, warnings };
}
