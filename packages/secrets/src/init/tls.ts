// The TLS half of secrets init: a CA (kept while its key matches, never silently replaced), a
// key and certificate per router (CN = router name), fingerprints, and DH parameters when a
// VyOS 1.2/1.3 router needs them.
import { createPrivateKey } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import type { Model } from '@geostage/schema';
import { publicNames, secretNames } from '../names.ts';
import { pemBody } from '../pem.ts';
import {
  caCertificate,
  dhParameters,
  fingerprint,
  issuedBy,
  type KeyType,
  keyMatches,
  privateKey,
  routerCertificate,
} from './certificates.ts';
import { Failure, type InitFiles, need, PRIVATE, PUBLIC } from './files.ts';

export interface TlsOptions {
  force: boolean;
  keyType: KeyType;
  caDays: number;
  routerDays: number;
}

function keyTypeOf(pem: string): KeyType | null {
  try {
    const type = createPrivateKey(pem).asymmetricKeyType;
    return type === 'ec' || type === 'rsa' ? type : null;
  } catch {
    return null;
  }
}

/** The CA key and certificate: kept when they match, made when both are missing or forced. */
async function initCa(
  files: InitFiles,
  model: Model,
  options: TlsOptions,
): Promise<{ ca: string; renewed: boolean }> {
  const caKey = await files.read('secrets', secretNames.caKey);
  const ca = await files.read('public', publicNames.caCertificate);
  if (!options.force && caKey !== null && ca !== null && keyMatches(ca, caKey)) {
    files.keep('secrets', secretNames.caKey);
    files.keep('public', publicNames.caCertificate);
    return { ca, renewed: false };
  }
  if (!options.force && ca !== null) {
    // The committed CA certificate is the trust anchor of routers already deployed:
    // replacing it silently would cut every tunnel, so ask first.
    throw new Failure(
      `${files.shown('public', publicNames.caCertificate)} exists but ${files.shown('secrets', secretNames.caKey)} is ${caKey === null ? 'missing' : 'not its key'}: ` +
        'copy the CA key from where the environment was first set up, or pass --force to start a new CA (every router then needs its new certificate)',
    );
  }
  await files.write('secrets', secretNames.caKey, need(await privateKey(options.keyType)), PRIVATE);
  const made = need(
    await caCertificate(
      files.path('secrets', secretNames.caKey),
      `geostage ${model.name} CA`,
      options.caDays,
    ),
  );
  await files.write('public', publicNames.caCertificate, made, PUBLIC);
  return { ca: made, renewed: true };
}

/** A router's key (kept while it parses) and certificate (kept while it fits key, CA and name). */
async function initRouter(
  files: InitFiles,
  router: string,
  ca: { ca: string; renewed: boolean },
  options: TlsOptions,
): Promise<string> {
  const keyName = secretNames.routerKey(router);
  const certificateName = publicNames.routerCertificate(router);
  let key = await files.read('secrets', keyName);
  let certificate = await files.read('public', certificateName);
  const keyUsable = !options.force && key !== null && keyTypeOf(key) !== null;
  if (keyUsable) files.keep('secrets', keyName);
  else {
    key = need(await privateKey(options.keyType));
    await files.write('secrets', keyName, key, PRIVATE);
  }
  const certificateFits =
    keyUsable &&
    !ca.renewed &&
    certificate !== null &&
    keyMatches(certificate, key!) &&
    issuedBy(certificate, ca.ca, router);
  if (certificateFits) files.keep('public', certificateName);
  else {
    certificate = need(
      await routerCertificate({
        keyPath: files.path('secrets', keyName),
        keyType: keyTypeOf(key!)!,
        router,
        caCertificatePath: files.path('public', publicNames.caCertificate),
        caKeyPath: files.path('secrets', secretNames.caKey),
        days: options.routerDays,
      }),
    );
    await files.write('public', certificateName, certificate, PUBLIC);
  }
  await files.derive('secrets', secretNames.routerKeyBody(router), `${pemBody(key!)}\n`, PRIVATE);
  return certificate!;
}

export async function initTls(files: InitFiles, model: Model, options: TlsOptions): Promise<void> {
  await mkdir(files.folders.public, { recursive: true });
  const ca = await initCa(files, model, options);
  const fingerprints: Record<string, string> = { [publicNames.caCertificate]: fingerprint(ca.ca) };
  const routers = model.sites.map((site) => site.router.name).sort();
  for (const router of routers) {
    const certificate = await initRouter(files, router, ca, options);
    fingerprints[publicNames.routerCertificate(router)] = fingerprint(certificate);
  }
  await files.derive(
    'public',
    publicNames.fingerprints,
    `${JSON.stringify(fingerprints, null, 2)}\n`,
    PUBLIC,
  );
  const legacy = model.sites.some(
    (site) => site.router.os === 'vyos' && (site.router.release === '1.2' || site.router.release === '1.3'),
  );
  if (legacy) await files.derive('public', publicNames.dhParameters, need(await dhParameters()), PUBLIC);
}
