// Reads a VyOS `set` script (release lines 1.2 to 1.5 and rolling) back into a Device. Each
// line is matched against one table of forwarding-relevant paths; paths that only matter to
// the firewall, services or the system are recognised and dropped explicitly, and anything
// else becomes a warning with file:line, so a generator change that reach does not model
// shows up instead of vanishing.
import { parseAddress, parseInterfaceAddress, parsePrefix } from '../../address.ts';
import {
  type Device,
  emptyDevice,
  interfaceOf,
  keyBasis,
  newTunnelEnd,
  type Origin,
  type ParseResult,
  type TunnelEnd,
  type Warning,
} from '../../device.ts';

/** Splits a set line into words, honouring VyOS's single and double quotes. */
export function words(line: string): string[] | null {
  const out: string[] = [];
  let index = 0;
  while (index < line.length) {
    const char = line[index]!;
    if (char === ' ' || char === '\t') {
      index++;
      continue;
    }
    if (char === "'" || char === '"') {
      const end = line.indexOf(char, index + 1);
      if (end < 0) return null;
      out.push(line.slice(index + 1, end));
      index = end + 1;
      continue;
    }
    let end = index;
    while (end < line.length && line[end] !== ' ' && line[end] !== '\t') end++;
    out.push(line.slice(index, end));
    index = end;
  }
  return out;
}

/**
 * Paths recognised and deliberately not modelled: they filter, shape or manage traffic but
 * do not decide where a packet goes. (The firewall is not modelled: reach answers "is there a
 * route there and back", see the README.)
 */
const IGNORED_PATHS: readonly string[] = [
  'firewall',
  'service',
  'system',
  'traffic-policy',
  'qos',
  'pki',
  'nat destination',
  'high-availability',
];
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
/** OpenVPN settings that do not decide whether the two ends meet. */
const IGNORED_OPENVPN_SETTINGS = new Set([
  'description',
  'encryption',
  'hash',
  'keep-alive',
  'persistent-tunnel',
  'mtu',
  'ip',
  'ipv6',
  'openvpn-option',
  'device-type',
  'use-lzo-compression',
  'firewall',
  'traffic-policy',
  'redirect',
]);
const OPENVPN_TLS_FILES = new Set([
  'ca-cert-file',
  'cert-file',
  'key-file',
  'dh-file',
  'crl-file',
  'certificate',
  'ca-certificate',
  'peer-fingerprint',
  'dh-params',
  'auth-key',
  'crypt-key',
  'tls-version-min',
]);

/** `route P interface IF` (1.4+) and `interface-route P next-hop-interface IF` (1.2/1.3), unquoted. */
const SIMPLE_ROUTE =
  /^set protocols static (?:route ([\d./]+) interface|interface-route ([\d./]+) next-hop-interface) ([\w.-]+)$/;

const splitPrefixes = new Map<string, string[]>();

function startsWith(path: readonly string[], prefix: string): boolean {
  let parts = splitPrefixes.get(prefix);
  if (!parts) {
    parts = prefix.split(' ');
    splitPrefixes.set(prefix, parts);
  }
  for (let index = 0; index < parts.length; index++) if (path[index] !== parts[index]) return false;
  return true;
}

function port(text: string | undefined): number | null {
  if (text === undefined || !/^\d{1,5}$/.test(text)) return null;
  const value = Number(text);
  return value >= 1 && value <= 65535 ? value : null;
}

export function parseVyos(router: string, file: string, text: string): ParseResult {
  const device = emptyDevice(router, 'router');
  device.files.push(file);
  const warnings: Warning[] = [];
  const tunnels = new Map<string, TunnelEnd>();
  const natRules = new Map<string, Device['nat'][number]>();
  /** `pki openvpn shared-secret NAME key @secret:openvpn/<tunnel>.key.body@` names the key's basis. */
  const sharedSecrets = new Map<string, string>();
  const pendingSecretNames: { end: TunnelEnd; name: string }[] = [];

  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const raw = lines[index]!.trim();
    if (raw === '' || raw.startsWith('#')) continue;
    // Most lines of a large environment are routes into a tunnel: read them without tokenizing.
    const route = SIMPLE_ROUTE.exec(raw);
    if (route) {
      const prefix = parsePrefix(route[1] ?? route[2]!);
      if (prefix) {
        device.routes.push({
          prefix,
          nextHop: null,
          interface: route[3]!,
          blackhole: false,
          distance: 1,
          file,
          line: index + 1,
        });
        continue;
      }
    }
    const origin: Origin = { file, line: index + 1 };
    const warn = (message: string) => warnings.push({ file, line: index + 1, message });
    const tokens = words(raw);
    if (!tokens) {
      warn(`unbalanced quotes: ${raw}`);
      continue;
    }
    const [verb, ...path] = tokens;
    // Lines a vbash loading script wraps around the set lines.
    if (verb === 'configure' || verb === 'commit' || verb === 'save' || verb === 'exit') continue;
    if (verb !== 'set') {
      warn(`not a set line, not modelled: ${raw}`);
      continue;
    }
    const unknown = () => warn(`not modelled: ${raw}`);
    const bad = (what: string) => warn(`invalid ${what}: ${raw}`);

    if (startsWith(path, 'interfaces openvpn')) {
      const name = path[2];
      const setting = path[3];
      if (name === undefined) {
        unknown();
        continue;
      }
      let end = tunnels.get(name);
      if (!end) {
        end = newTunnelEnd(router, name, origin);
        tunnels.set(name, end);
      }
      const value = path[4];
      switch (setting) {
        case 'mode':
          if (value !== 'site-to-site') warn(`only site-to-site mode is modelled: ${raw}`);
          break;
        case 'protocol':
          if (value === 'udp' || value === 'tcp-active' || value === 'tcp-passive') end.protocol = value;
          else bad('protocol');
          break;
        case 'local-host':
        case 'remote-host': {
          const address = value === undefined ? null : parseAddress(value);
          if (address === null) bad(setting);
          else if (setting === 'local-host') end.localHost = address;
          else end.remoteHost = address;
          break;
        }
        case 'local-port':
        case 'remote-port': {
          const number = port(value);
          if (number === null) bad(setting);
          else if (setting === 'local-port') end.localPort = number;
          else end.remotePort = number;
          break;
        }
        case 'local-address':
        case 'remote-address': {
          // `local-address X subnet-mask M` is for tap/subnet tunnels; the address is what matters here.
          const address = value === undefined ? null : parseAddress(value);
          if (address === null) bad(setting);
          else if (setting === 'local-address') end.localAddress = address;
          else end.remoteAddress = address;
          break;
        }
        case 'shared-secret-key-file':
          if (value === undefined) bad(setting);
          else end.authentication = { kind: 'static-key', key: keyBasis(value) };
          break;
        case 'shared-secret-key':
          if (value === undefined) bad(setting);
          else pendingSecretNames.push({ end, name: value });
          break;
        case 'tls':
          if (path[4] === 'role') {
            const role = path[5];
            if (role === 'active' || role === 'passive') end.authentication = { kind: 'tls', role };
            else bad('tls role');
          } else if (path[4] === undefined || !OPENVPN_TLS_FILES.has(path[4])) {
            unknown();
          }
          // Certificates and keys: both ends using TLS with opposite roles is what is checked.
          break;
        case 'disable':
          end.disabled = true;
          break;
        case undefined:
          break;
        default:
          if (!IGNORED_OPENVPN_SETTINGS.has(setting)) unknown();
      }
      continue;
    }

    if (startsWith(path, 'interfaces ethernet') || startsWith(path, 'interfaces loopback')) {
      const base = path[2];
      if (base === undefined) {
        unknown();
        continue;
      }
      let name = base;
      let rest = path.slice(3);
      if (rest[0] === 'vif') {
        if (rest[1] === undefined || !/^\d+$/.test(rest[1])) {
          bad('vif');
          continue;
        }
        name = `${base}.${rest[1]}`;
        rest = rest.slice(2);
      }
      const networkInterface = interfaceOf(device, name, origin);
      const setting = rest[0];
      if (setting === 'address') {
        const value = rest[1];
        if (value === 'dhcp' || value === 'dhcpv6') {
          warn(`dynamic address, not modelled: ${raw}`);
        } else if (value?.includes(':')) {
          // IPv6 is not modelled: the environments are IPv4 (see README).
        } else {
          const address = value === undefined ? null : parseInterfaceAddress(value);
          if (address === null) bad('address');
          else networkInterface.addresses.push(address);
        }
      } else if (setting === 'disable') {
        networkInterface.disabled = true;
      } else if (setting === undefined || !IGNORED_INTERFACE_SETTINGS.has(setting)) {
        unknown();
      }
      continue;
    }

    if (startsWith(path, 'protocols static interface-route') || startsWith(path, 'protocols static route')) {
      // 1.2/1.3: interface-route P next-hop-interface IF [distance D]
      // all:     route P next-hop X [distance D] | route P blackhole [distance D]
      // 1.4+:    route P interface IF [distance D]
      const legacy = path[2] === 'interface-route';
      const prefix = path[3] === undefined ? null : parsePrefix(path[3]);
      if (prefix === null) {
        bad('route prefix');
        continue;
      }
      const kind = path[4];
      const target = path[5];
      let distance = 1;
      if (path[6] === 'distance') {
        distance = Number(path[7]);
        if (!Number.isInteger(distance)) {
          bad('distance');
          continue;
        }
      } else if (path[6] !== undefined && !(kind === 'blackhole' && path[5] === 'distance')) {
        unknown();
        continue;
      }
      if (kind === 'blackhole') {
        if (path[5] === 'distance') distance = Number(path[6]);
        device.routes.push({
          prefix,
          nextHop: null,
          interface: null,
          blackhole: true,
          distance,
          file,
          line: index + 1,
        });
      } else if ((legacy && kind === 'next-hop-interface') || (!legacy && kind === 'interface')) {
        if (target === undefined) bad('route interface');
        else
          device.routes.push({
            prefix,
            nextHop: null,
            interface: target,
            blackhole: false,
            distance,
            file,
            line: index + 1,
          });
      } else if (!legacy && kind === 'next-hop') {
        const nextHop = target === undefined ? null : parseAddress(target);
        if (nextHop === null) bad('next-hop');
        else
          device.routes.push({
            prefix,
            nextHop,
            interface: null,
            blackhole: false,
            distance,
            file,
            line: index + 1,
          });
      } else if (kind === 'description') {
        // A description says nothing about forwarding.
      } else {
        unknown();
      }
      continue;
    }

    if (startsWith(path, 'nat source rule')) {
      const rule = path[3];
      if (rule === undefined) {
        unknown();
        continue;
      }
      let nat = natRules.get(rule);
      if (!nat) {
        nat = { rule, outboundInterface: null, exclude: false, masquerade: false, origin };
        natRules.set(rule, nat);
      }
      const setting = path[4];
      if (setting === 'outbound-interface') {
        // 1.2/1.3: outbound-interface eth0; 1.4+: outbound-interface name eth0
        nat.outboundInterface = (path[5] === 'name' ? path[6] : path[5]) ?? null;
      } else if (setting === 'exclude') {
        nat.exclude = true;
      } else if (setting === 'translation' && path[5] === 'address') {
        nat.masquerade = path[6] === 'masquerade';
      } else if (!['source', 'destination', 'description', 'protocol', 'log'].includes(setting ?? '')) {
        unknown();
      }
      continue;
    }

    if (startsWith(path, 'pki openvpn shared-secret')) {
      const name = path[3];
      const value = path[5];
      if (name !== undefined && path[4] === 'key' && value !== undefined) {
        const placeholder = /^@secret:([^@]+)@$/.exec(value);
        // The key basis of an embedded key is the secret it is filled from, so a VyOS 1.4 end
        // and a Linux end reading /etc/openvpn/.../<tunnel>.key compare equal.
        sharedSecrets.set(name, keyBasis((placeholder?.[1] ?? name).replace(/\.body$/, '')));
      }
      continue;
    }

    if (startsWith(path, 'system host-name')) {
      device.hostName = path[2] ?? null;
      continue;
    }

    if (IGNORED_PATHS.some((prefix) => startsWith(path, prefix))) continue;
    unknown();
  }

  for (const { end, name } of pendingSecretNames) {
    const basis = sharedSecrets.get(name);
    if (basis === undefined) {
      warnings.push({
        file,
        line: end.origin.line,
        message: `${end.interface}: shared-secret-key ${name} has no pki openvpn shared-secret ${name}`,
      });
    }
    end.authentication = { kind: 'static-key', key: basis ?? name };
  }
  device.tunnels = [...tunnels.values()];
  device.nat = [...natRules.values()];
  return { device, warnings };
}
