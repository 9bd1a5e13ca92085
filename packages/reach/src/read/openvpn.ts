// Reads one OpenVPN point-to-point config (a Linux router's tunnel end) back into a TunnelEnd
// and the routes it installs. Directives that tune the tunnel but do not decide whether the
// two ends meet are recognised and dropped; others become warnings.
import { lengthOfMask, parseAddress } from '../address.ts';
import {
  keyBasis,
  newTunnelEnd,
  type Origin,
  type StaticRoute,
  type TunnelEnd,
  type Warning,
} from '../device.ts';

const IGNORED_DIRECTIVES = new Set([
  'dev-type',
  'tun-mtu',
  'mssfix',
  'fragment',
  'keepalive',
  'hand-window',
  'connect-retry',
  'explicit-exit-notify',
  'ping',
  'ping-restart',
  'ping-timer-rem',
  'persist-tun',
  'persist-key',
  'remote-cert-tls',
  'verify-x509-name',
  'ca',
  'cert',
  'key',
  'dh',
  'cipher',
  'data-ciphers',
  'data-ciphers-fallback',
  'auth',
  'tls-auth',
  'tls-crypt',
  'tls-version-min',
  'verb',
  'mute',
  'float',
  'nobind',
  'user',
  'group',
  'status',
  'log',
  'log-append',
  'comp-lzo',
  'compress',
  'script-security',
  'txqueuelen',
  'sndbuf',
  'rcvbuf',
  'fast-io',
  'suppress-timestamps',
  'writepid',
  'daemon',
  'cd',
  'chroot',
  'topology',
]);
/** Inline blocks: `<secret>` names the key through its placeholder, the others are PEM. */
const INLINE = /^<([a-z-]+)>$/;

export interface OpenvpnResult {
  end: TunnelEnd;
  routes: StaticRoute[];
  warnings: Warning[];
}

function port(text: string | undefined): number | null {
  if (text === undefined || !/^\d{1,5}$/.test(text)) return null;
  const value = Number(text);
  return value >= 1 && value <= 65535 ? value : null;
}

// One piece (over 80 lines): one switch over the directives of a config, as the VyOS section readers are per section.
export function parseOpenvpn(router: string, file: string, text: string): OpenvpnResult {
  const fallbackName = file.slice(file.lastIndexOf('/') + 1).replace(/\.conf$/, '');
  const end: TunnelEnd = newTunnelEnd(router, fallbackName, { file, line: 1 });
  const routes: StaticRoute[] = [];
  const warnings: Warning[] = [];
  let tlsRole: 'active' | 'passive' | null = null;
  let secret: string | null = null;
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const raw = lines[index]!.trim();
    const _origin: Origin = { file, line: index + 1 };
    const warn = (message: string) => warnings.push({ file, line: index + 1, message });
    if (raw === '' || raw.startsWith('#') || raw.startsWith(';')) continue;
    const inline = INLINE.exec(raw);
    if (inline) {
      const tag = inline[1]!;
      const close = lines.findIndex((line, at) => at > index && line.trim() === `</${tag}>`);
      if (close < 0) {
        warn(`<${tag}> is never closed`);
        break;
      }
      if (tag === 'secret') {
        const body = lines.slice(index + 1, close).join('\n');
        const placeholder = /@secret:([^@]+)@/.exec(body);
        secret = keyBasis(placeholder?.[1] ?? `${file}:${index + 1}`);
      }
      index = close;
      continue;
    }
    const [directive, ...args] = raw.split(/\s+/);
    const bad = () => warn(`invalid ${directive}: ${raw}`);
    switch (directive) {
      case 'dev':
        if (args[0] === undefined) bad();
        else end.interface = args[0];
        break;
      case 'proto': {
        const value = args[0]?.replace(/[46]$/, '');
        if (value === 'udp') end.protocol = 'udp';
        else if (value === 'tcp-client') end.protocol = 'tcp-active';
        else if (value === 'tcp-server') end.protocol = 'tcp-passive';
        else bad();
        break;
      }
      case 'local':
        end.localHost = args[0] === undefined ? null : parseAddress(args[0]);
        if (end.localHost === null) bad();
        break;
      case 'remote': {
        end.remoteHost = args[0] === undefined ? null : parseAddress(args[0]);
        if (end.remoteHost === null) bad();
        if (args[1] !== undefined) {
          const value = port(args[1]);
          if (value === null) bad();
          else end.remotePort = value;
        }
        break;
      }
      case 'port':
      case 'lport':
      case 'rport': {
        const value = port(args[0]);
        if (value === null) {
          bad();
          break;
        }
        if (directive !== 'rport') end.localPort = value;
        if (directive !== 'lport') end.remotePort = value;
        break;
      }
      case 'ifconfig': {
        end.localAddress = args[0] === undefined ? null : parseAddress(args[0]);
        end.remoteAddress = args[1] === undefined ? null : parseAddress(args[1]);
        if (end.localAddress === null || end.remoteAddress === null) bad();
        break;
      }
      case 'route': {
        const network = args[0] === undefined ? null : parseAddress(args[0]);
        const length = args[1] === undefined ? 32 : lengthOfMask(args[1]);
        if (network === null || length === null) {
          bad();
          break;
        }
        // `route N M` sends N/M into this tunnel (OpenVPN's default gateway is the ifconfig peer).
        routes.push({
          prefix: { network, length },
          nextHop: null,
          interface: end.interface,
          blackhole: false,
          distance: 1,
          file,
          line: index + 1,
        });
        break;
      }
      case 'secret':
        if (args[0] === undefined) bad();
        else secret = keyBasis(args[0]);
        break;
      case 'tls-client':
        tlsRole = 'active';
        break;
      case 'tls-server':
        tlsRole = 'passive';
        break;
      default:
        if (directive === undefined || !IGNORED_DIRECTIVES.has(directive)) warn(`not modelled: ${raw}`);
    }
  }
  if (secret !== null && tlsRole !== null) {
    warnings.push({ file, line: 0, message: `${end.interface}: both a static key and TLS are configured` });
  }
  end.authentication =
    secret !== null
      ? { kind: 'static-key', key: secret }
      : tlsRole !== null
        ? { kind: 'tls', role: tlsRole }
        : null;
  // Routes name the interface as it was when read; `dev` may come after them.
  for (const route of routes) route.interface = end.interface;
  return { end, routes, warnings };
}
