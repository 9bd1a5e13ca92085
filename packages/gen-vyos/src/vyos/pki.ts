// Where a router's OpenVPN credentials live, per release line. 1.2/1.3 read key and
// certificate files from /config/auth (apply uploads them); 1.4+ keep them in the config
// itself as `pki` objects, so the generated file carries the public certificates and a
// placeholder for each private key (apply fills it at upload time).
import { pemBody, publicNames, secretNames, secretPlaceholder } from '@geostage/secrets';
import { type Section, type SetCommand, set, tag } from './command.ts';
import type { RouterContext } from './context.ts';
import type { VyosLine } from './versions.ts';

export const CREDENTIAL_STORE: Record<VyosLine, 'files' | 'pki'> = {
  '1.2': 'files',
  '1.3': 'files',
  '1.4': 'pki',
  '1.5': 'pki',
};

/** The folder VyOS keeps across upgrades and that its own docs use for key files. */
export const AUTH_DIR = '/config/auth';

/** Device paths of the credential files on 1.2/1.3. */
export const authFiles = {
  staticKey: (tunnel: string) => `${AUTH_DIR}/${tunnel}.key`,
  caCertificate: `${AUTH_DIR}/ca.crt`,
  certificate: (router: string) => `${AUTH_DIR}/${router}.crt`,
  privateKey: (router: string) => `${AUTH_DIR}/${router}.key`,
  /** DH parameters: public, but a 1.2/1.3 passive TLS end refuses to start without them. */
  dhParameters: `${AUTH_DIR}/dh.pem`,
} as const;

/**
 * A stand-in for public material that does not exist yet (before secrets init). Unlike a
 * secret it is never filled at upload: regenerating after secrets init replaces it.
 */
export function publicPlaceholder(name: string): string {
  return `@public:${name}@`;
}
export const PUBLIC_PLACEHOLDER = /@public:([A-Za-z0-9._/-]+)@/g;

/** The name of the CA object in `set pki ca`: one CA per environment. */
export function caName(context: RouterContext): string {
  return `${context.model.name}-ca`;
}

export interface PkiPart {
  section: Section | null;
  warnings: string[];
}

/** The `pki` objects a 1.4+ router needs; nothing on 1.2/1.3. */
export function pkiSection(context: RouterContext): PkiPart {
  if (CREDENTIAL_STORE[context.line] !== 'pki' || context.tunnels.length === 0)
    return { section: null, warnings: [] };
  const commands: SetCommand[] = [];
  const warnings: string[] = [];
  const comment = ['PKI: credentials kept in the configuration (VyOS 1.4+)'];
  if (context.model.vpn.authentication === 'static-key') {
    comment.push('One static key per tunnel; the key itself is filled in by apply from the secrets folder.');
    for (const tunnel of context.tunnels) {
      const secret = ['pki', 'openvpn', tag('shared-secret', tunnel.name)];
      commands.push(set(secret, 'key', secretPlaceholder(secretNames.staticKeyBody(tunnel.name))));
      commands.push(set(secret, 'version', 1));
    }
  } else {
    comment.push("The CA and this router's certificate are public; the private key is filled in by apply.");
    const router = context.router.name;
    const ca = context.material.caCertificate;
    const own = context.material.routers[router];
    if (ca === null) {
      warnings.push(
        `router ${router}: no CA certificate in public/${publicNames.caCertificate} yet; config carries a placeholder (run secrets init, then generate again)`,
      );
    }
    if (own === undefined) {
      warnings.push(
        `router ${router}: no certificate in public/${publicNames.routerCertificate(router)} yet; config carries a placeholder (run secrets init, then generate again)`,
      );
    }
    commands.push(
      set(
        ['pki', tag('ca', caName(context))],
        'certificate',
        ca === null ? publicPlaceholder(publicNames.caCertificate) : pemBody(ca),
      ),
    );
    const certificate = ['pki', tag('certificate', router)];
    commands.push(
      set(
        certificate,
        'certificate',
        own === undefined
          ? publicPlaceholder(publicNames.routerCertificate(router))
          : pemBody(own.certificate),
      ),
    );
    commands.push(
      set([...certificate, 'private'], 'key', secretPlaceholder(secretNames.routerKeyBody(router))),
    );
  }
  return { section: { comment, commands }, warnings };
}
