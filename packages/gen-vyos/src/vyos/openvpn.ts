// OpenVPN site-to-site tunnels: one `interfaces openvpn vtunN` per tunnel end on this router.
// What differs between release lines is in OPENVPN below (ciphers, keep-alive semantics, DH
// on the passive end) and in pki.ts (where the keys and certificates live).
import type { Cipher } from '@geostage/schema';
import { keepAliveOf } from '../keep-alive.ts';
import { type Section, type SetCommand, type Step, set, tag } from './command.ts';
import { type LocalTunnel, peerDescription, type RouterContext } from './context.ts';
import { authFiles, CREDENTIAL_STORE, caName } from './pki.ts';
import type { VyosLine } from './versions.ts';

interface OpenvpnSyntax {
  /** Where the data-channel cipher is named: `encryption aes256` (1.2) or `encryption cipher aes256`. */
  cipherAt: { path: string[]; leaf: string };
  /** The line's name for each cipher; a missing one has no name on this line. */
  cipherNames: Partial<Record<Cipher, string>>;
  /**
   * Whether the cipher is set when TLS is used. 1.4+ refuse `encryption cipher` with TLS
   * (T5487) and refuse `data-ciphers`/`ncp-ciphers` in site-to-site mode, so both ends run
   * OpenVPN 2.6's negotiation, whose default list starts with AES-256-GCM.
   */
  cipherWithTls: boolean;
  /** Raw option naming a cipher the line has no word for (1.2 passes it on the command line). */
  rawCipher: ((openvpnName: string) => string) | null;
  /** An `openvpn-option`: 1.2 passes it on openvpn's command line (`--name value`), 1.3+ into its file (`name value`). */
  rawOption: (option: string) => string;
  /** 1.2: failure-count counts missed probes; 1.3+: it is the restart timeout in seconds. */
  failureCount: 'probes' | 'seconds';
  /** 1.2/1.3 refuse a passive TLS end without DH parameters; 1.4+ use ECDH (`dh none`). */
  dhOnPassive: boolean;
}

const CBC_AND_GCM: Partial<Record<Cipher, string>> = {
  'aes-256-cbc': 'aes256',
  'aes-128-cbc': 'aes128',
  'aes-256-gcm': 'aes256gcm',
  'aes-128-gcm': 'aes128gcm',
};

const OPENVPN: Record<VyosLine, OpenvpnSyntax> = {
  '1.2': {
    cipherAt: { path: [], leaf: 'encryption' },
    cipherNames: { 'aes-256-cbc': 'aes256', 'aes-128-cbc': 'aes128' },
    cipherWithTls: true,
    rawCipher: (name) => `--cipher ${name}`,
    rawOption: (option) => `--${option}`,
    failureCount: 'probes',
    dhOnPassive: true,
  },
  '1.3': {
    cipherAt: { path: ['encryption'], leaf: 'cipher' },
    cipherNames: CBC_AND_GCM,
    cipherWithTls: true,
    rawCipher: null,
    rawOption: (option) => option,
    failureCount: 'seconds',
    dhOnPassive: true,
  },
  '1.4': {
    cipherAt: { path: ['encryption'], leaf: 'cipher' },
    cipherNames: CBC_AND_GCM,
    cipherWithTls: false,
    rawCipher: null,
    rawOption: (option) => option,
    failureCount: 'seconds',
    dhOnPassive: false,
  },
  '1.5': {
    cipherAt: { path: ['encryption'], leaf: 'cipher' },
    cipherNames: CBC_AND_GCM,
    cipherWithTls: false,
    rawCipher: null,
    rawOption: (option) => option,
    failureCount: 'seconds',
    dhOnPassive: false,
  },
};

/** Probe every 10 s, restart after 60 s of silence (5 s and 20 s to a peer behind NAT): keep-alive.ts. */
export { KEEP_ALIVE } from '../keep-alive.ts';

/** OpenVPN 2.6's default data-ciphers: what 1.4+ TLS tunnels negotiate from. */
const NEGOTIATED: readonly Cipher[] = ['aes-256-gcm', 'aes-128-gcm', 'chacha20-poly1305'];

export function openvpnName(cipher: Cipher): string {
  return cipher.toUpperCase();
}

export interface OpenvpnPart {
  sections: Section[];
  warnings: string[];
}

export function openvpnSections(context: RouterContext): OpenvpnPart {
  const sections: Section[] = [];
  const warnings: string[] = [];
  for (const tunnel of context.tunnels) {
    const part = tunnelSection(context, tunnel);
    sections.push(part.section);
    warnings.push(...part.warnings);
  }
  return { sections, warnings: [...new Set(warnings)] };
}

// One piece (over 80 lines): it reads like the configuration section it writes, line for line,
// with the release line's table deciding each difference.
function tunnelSection(
  context: RouterContext,
  tunnel: LocalTunnel,
): { section: Section; warnings: string[] } {
  const syntax = OPENVPN[context.line];
  const { local, peer } = tunnel;
  const tls = context.model.vpn.authentication === 'tls';
  const base: Step[] = ['interfaces', tag('openvpn', local.interface)];
  const warnings: string[] = [];
  const keepAlive = keepAliveOf(local, peer, tls);
  const commands: SetCommand[] = [
    set(base, 'mode', 'site-to-site'),
    set(base, 'protocol', 'udp'),
    set(base, 'description', peerDescription(tunnel)),
    set(base, 'local-host', local.wan),
    set(base, 'local-port', local.port),
  ];
  if (peer.reachable) commands.push(set(base, 'remote-host', peer.wan));
  commands.push(
    set(base, 'remote-port', peer.port),
    // A tag node without children: site-to-site over tun takes the plain address on every line
    // (subnet-mask is for tap devices only).
    set([...base, tag('local-address', local.address)]),
    set(base, 'remote-address', peer.address),
    set(base, 'persistent-tunnel'),
    set([...base, 'keep-alive'], 'interval', keepAlive.interval),
    set(
      [...base, 'keep-alive'],
      'failure-count',
      syntax.failureCount === 'probes' ? keepAlive.restartAfter / keepAlive.interval : keepAlive.restartAfter,
    ),
  );
  if (keepAlive.exitNotify > 0)
    commands.push(
      set(base, 'openvpn-option', syntax.rawOption(`explicit-exit-notify ${keepAlive.exitNotify}`)),
    );
  if (keepAlive.connectRetry !== null)
    commands.push(set(base, 'openvpn-option', syntax.rawOption(`connect-retry ${keepAlive.connectRetry}`)));
  if (keepAlive.handWindow !== null)
    commands.push(set(base, 'openvpn-option', syntax.rawOption(`hand-window ${keepAlive.handWindow}`)));

  const store = CREDENTIAL_STORE[context.line];
  if (tls) {
    const role = local.initiator ? 'active' : 'passive';
    commands.push(set([...base, 'tls'], 'role', role));
    if (store === 'files') {
      commands.push(
        set([...base, 'tls'], 'ca-cert-file', authFiles.caCertificate),
        set([...base, 'tls'], 'cert-file', authFiles.certificate(context.router.name)),
        set([...base, 'tls'], 'key-file', authFiles.privateKey(context.router.name)),
      );
      if (role === 'passive' && syntax.dhOnPassive)
        commands.push(set([...base, 'tls'], 'dh-file', authFiles.dhParameters));
    } else {
      commands.push(
        set([...base, 'tls'], 'certificate', context.router.name),
        set([...base, 'tls'], 'ca-certificate', caName(context)),
      );
    }
  } else if (store === 'files') {
    commands.push(set(base, 'shared-secret-key-file', authFiles.staticKey(tunnel.name)));
  } else {
    commands.push(set(base, 'shared-secret-key', tunnel.name));
  }

  const cipher = context.model.vpn.cipher;
  if (!tls || syntax.cipherWithTls) {
    const name = syntax.cipherNames[cipher];
    if (name !== undefined) {
      commands.push(set([...base, ...syntax.cipherAt.path], syntax.cipherAt.leaf, name));
    } else if (syntax.rawCipher !== null) {
      commands.push(set(base, 'openvpn-option', syntax.rawCipher(openvpnName(cipher))));
    } else {
      warnings.push(
        `router ${context.router.name}: VyOS ${context.line} has no setting for cipher ${cipher}; ${tunnel.name} uses OpenVPN's default`,
      );
    }
  } else if (!NEGOTIATED.includes(cipher)) {
    warnings.push(
      `router ${context.router.name}: VyOS ${context.line} negotiates the TLS data cipher (AES-256-GCM first) and cannot pin ${cipher}`,
    );
  }
  // Static keys authenticate with an HMAC; SHA-256 on both ends (the Linux routers use `auth SHA256`).
  if (!tls) commands.push(set(base, 'hash', 'sha256'));

  const comment = [`OpenVPN ${local.interface}: tunnel ${tunnel.name}, ${peerDescription(tunnel)}`];
  comment.push(
    peer.reachable
      ? `Listens on ${local.wan}:${local.port}, sends to ${peer.wan}:${peer.port}; tunnel ${local.address} <-> ${peer.address}.`
      : `Listens on ${local.wan}:${local.port}; ${peer.router} is behind NAT and dials in; tunnel ${local.address} <-> ${peer.address}.`,
  );
  if (tls)
    comment.push(`TLS ${local.initiator ? 'active: this end initiates' : 'passive: this end answers'}.`);
  return { section: { comment, commands }, warnings };
}
