// Public material: the public halves of the TLS credentials, committed beside the topology in
// environments/<env>/public/ (ca.crt, <router>.crt, fingerprints.json). Generators embed them
// where a device format wants the certificate itself (VyOS 1.4+ `set pki`); private halves never
// come here, they stay placeholders. Everything is optional: generation works before
// `secrets init` has run, with placeholders and a warning.
import { X509Certificate } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { publicNames } from './names.ts';

export interface RouterMaterial {
  /** The router's certificate (PEM), signed by the CA; its subject CN is the router name. */
  certificate: string;
  /** SHA-256 fingerprint of the certificate, colon-separated upper-case hex (openssl x509 -fingerprint -sha256). */
  fingerprint: string;
}

export interface PublicMaterial {
  /** The CA certificate (PEM) that signed every router certificate; null before secrets init. */
  caCertificate: string | null;
  /** Certificates by router name; a router missing here has none yet. */
  routers: Readonly<Record<string, RouterMaterial>>;
}

/** No public material at all: what a fresh environment has before secrets init. */
export const NO_MATERIAL: PublicMaterial = { caCertificate: null, routers: {} };

/**
 * Reads a public folder (environments/<env>/public/): ca.crt, every other <router>.crt, and
 * fingerprints.json (computed from the certificate when the file lacks one). A missing folder or
 * file is not an error: it is the state before secrets init, and the generators then warn.
 */
export async function readPublicMaterial(folder: string): Promise<PublicMaterial> {
  let names: string[];
  try {
    names = (await readdir(folder)).sort();
  } catch {
    return NO_MATERIAL;
  }
  const read = (name: string) => readFile(join(folder, name), 'utf8');
  const caFile = publicNames.caCertificate;
  const caCertificate = names.includes(caFile) ? await read(caFile) : null;
  let fingerprints: Record<string, string> = {};
  if (names.includes(publicNames.fingerprints)) {
    const parsed: unknown = JSON.parse(await read(publicNames.fingerprints));
    if (parsed !== null && typeof parsed === 'object') fingerprints = parsed as Record<string, string>;
  }
  const routers: Record<string, RouterMaterial> = {};
  for (const name of names) {
    if (!name.endsWith('.crt') || name === caFile) continue;
    const certificate = await read(name);
    const fingerprint = fingerprints[name] ?? new X509Certificate(certificate).fingerprint256;
    routers[name.slice(0, -'.crt'.length)] = { certificate, fingerprint };
  }
  return { caCertificate, routers };
}
