// OpenVPN site-to-site tunnel ends (`interfaces openvpn vtunN`): mode, protocol, hosts, ports,
// tunnel addresses, the static key or TLS role, and `disable`. Ciphers and certificates are
// recognised and dropped: whether the two ends meet is what the tunnel check compares.
import { parseAddress } from '../../address.ts';
import { keyBasis, newTunnelEnd, type TunnelEnd } from '../../device.ts';
import { invalid, type SetLine, unknown, type VyosReading, warn } from './context.ts';

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

function port(text: string | undefined): number | null {
  if (text === undefined || !/^\d{1,5}$/.test(text)) return null;
  const value = Number(text);
  return value >= 1 && value <= 65535 ? value : null;
}

function endOf(reading: VyosReading, name: string, line: SetLine): TunnelEnd {
  let end = reading.tunnels.get(name);
  if (!end) {
    end = newTunnelEnd(reading.router, name, line.origin);
    reading.tunnels.set(name, end);
  }
  return end;
}

/** `interfaces openvpn NAME SETTING VALUE` */
export function readOpenvpn(reading: VyosReading, line: SetLine): void {
  const { path } = line;
  const name = path[2];
  if (name === undefined) {
    unknown(reading, line);
    return;
  }
  const end = endOf(reading, name, line);
  const setting = path[3];
  const value = path[4];
  switch (setting) {
    case 'mode':
      if (value !== 'site-to-site') warn(reading, line, `only site-to-site mode is modelled: ${line.raw}`);
      break;
    case 'protocol':
      if (value === 'udp' || value === 'tcp-active' || value === 'tcp-passive') end.protocol = value;
      else invalid(reading, line, 'protocol');
      break;
    case 'local-host':
    case 'remote-host': {
      const address = value === undefined ? null : parseAddress(value);
      if (address === null) invalid(reading, line, setting);
      else if (setting === 'local-host') end.localHost = address;
      else end.remoteHost = address;
      break;
    }
    case 'local-port':
    case 'remote-port': {
      const number = port(value);
      if (number === null) invalid(reading, line, setting);
      else if (setting === 'local-port') end.localPort = number;
      else end.remotePort = number;
      break;
    }
    case 'local-address':
    case 'remote-address': {
      // `local-address X subnet-mask M` is for tap/subnet tunnels; the address is what matters here.
      const address = value === undefined ? null : parseAddress(value);
      if (address === null) invalid(reading, line, setting);
      else if (setting === 'local-address') end.localAddress = address;
      else end.remoteAddress = address;
      break;
    }
    case 'shared-secret-key-file':
      if (value === undefined) invalid(reading, line, setting);
      else end.authentication = { kind: 'static-key', key: keyBasis(value) };
      break;
    case 'shared-secret-key':
      // 1.4+: the key is a pki object, resolved by pki.ts once the whole script is read.
      if (value === undefined) invalid(reading, line, setting);
      else reading.pendingSecretNames.push({ end, name: value });
      break;
    case 'tls':
      if (value === 'role') {
        const role = path[5];
        if (role === 'active' || role === 'passive') end.authentication = { kind: 'tls', role };
        else invalid(reading, line, 'tls role');
      } else if (value === undefined || !OPENVPN_TLS_FILES.has(value)) {
        unknown(reading, line);
      }
      // Certificates and keys: both ends using TLS with opposite roles is what is checked.
      break;
    case 'disable':
      end.disabled = true;
      break;
    case undefined:
      break;
    default:
      if (!IGNORED_OPENVPN_SETTINGS.has(setting)) unknown(reading, line);
  }
}
