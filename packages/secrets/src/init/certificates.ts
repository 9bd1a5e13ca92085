// A small CA for the routers' OpenVPN TLS, through the openssl command (OpenSSL 3: `req -x509
// -CA` signs in one step, with no extension file). Each router certificate carries both
// serverAuth and clientAuth, because which end is tls-server follows the initiator flag, and
// its CN is the router name, which the peer checks with verify-x509-name.
import { execFile } from 'node:child_process';
import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';

export type KeyType = 'ec' | 'rsa';

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: string };

function openssl(args: readonly string[]): Promise<Outcome<string>> {
  return new Promise((done) => {
    execFile('openssl', args, { encoding: 'utf8', maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      if (error) {
        const reason =
          (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'openssl is not installed' : stderr.trim();
        done({ ok: false, error: `openssl ${args[0]} failed: ${reason || error.message}` });
      } else done({ ok: true, value: stdout });
    });
  });
}

export function privateKey(type: KeyType): Promise<Outcome<string>> {
  return type === 'ec'
    ? openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'])
    : openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048']);
}

/**
 * DH parameters for the passive TLS end of VyOS 1.2/1.3 (OpenVPN 2.4 there has no `dh none`):
 * the RFC 7919 ffdhe2048 group, a published constant, so the file is public and always the same.
 */
export function dhParameters(): Promise<Outcome<string>> {
  return openssl(['genpkey', '-genparam', '-algorithm', 'DH', '-pkeyopt', 'group:ffdhe2048']);
}

/** Subject names go through -subj, where `/`, `=` and `+` separate fields. */
function subject(commonName: string): string {
  return `/CN=${commonName.replace(/([/=+\\])/g, '\\$1')}`;
}

/** A new X.509 certificate for the key at `keyPath`: CA and router certificates start alike. */
function newCertificate(keyPath: string, commonName: string, days: number): string[] {
  return [
    'req',
    '-x509',
    '-new',
    '-sha256',
    '-key',
    keyPath,
    '-subj',
    subject(commonName),
    '-days',
    String(days),
  ];
}

export function caCertificate(keyPath: string, commonName: string, days: number): Promise<Outcome<string>> {
  return openssl([
    ...newCertificate(keyPath, commonName, days),
    '-addext',
    'basicConstraints=critical,CA:TRUE,pathlen:0',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
}

export function routerCertificate(input: {
  keyPath: string;
  keyType: KeyType;
  router: string;
  caCertificatePath: string;
  caKeyPath: string;
  days: number;
}): Promise<Outcome<string>> {
  const usage = input.keyType === 'ec' ? 'digitalSignature,keyAgreement' : 'digitalSignature,keyEncipherment';
  return openssl([
    ...newCertificate(input.keyPath, input.router, input.days),
    '-CA',
    input.caCertificatePath,
    '-CAkey',
    input.caKeyPath,
    '-addext',
    'basicConstraints=critical,CA:FALSE',
    '-addext',
    `keyUsage=critical,${usage}`,
    '-addext',
    'extendedKeyUsage=serverAuth,clientAuth',
  ]);
}

/** SHA-256 fingerprint as OpenSSL and OpenVPN print it: colon-separated upper-case hex. */
export function fingerprint(certificatePem: string): string {
  return new X509Certificate(certificatePem).fingerprint256;
}

/** True when the key is the private half of the certificate. */
export function keyMatches(certificatePem: string, keyPem: string): boolean {
  try {
    const fromKey = createPublicKey(createPrivateKey(keyPem)).export({ type: 'spki', format: 'der' });
    const fromCertificate = new X509Certificate(certificatePem).publicKey.export({
      type: 'spki',
      format: 'der',
    });
    return fromKey.equals(fromCertificate);
  } catch {
    return false;
  }
}

/** True when the certificate names `commonName`, was signed by the CA and has not expired. */
export function issuedBy(
  certificatePem: string,
  caPem: string,
  commonName: string,
  now = new Date(),
): boolean {
  try {
    const certificate = new X509Certificate(certificatePem);
    const ca = new X509Certificate(caPem);
    const names = certificate.subject.split('\n');
    return (
      names.includes(`CN=${commonName}`) &&
      certificate.checkIssued(ca) &&
      certificate.verify(ca.publicKey) &&
      new Date(certificate.validTo) > now
    );
  } catch {
    return false;
  }
}
