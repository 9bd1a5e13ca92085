// `geostage secrets init <env>`: creates what the topology's authentication needs.
//   tls        -> a CA, and a key and certificate per router (CN = router name)
//   static-key -> one OpenVPN static key per tunnel
// Private halves go to environments/<env>/secrets/ (0700 folder, 0600 files, git-ignored);
// public halves (certificates, fingerprints) to environments/<env>/public/ (committed).
// Idempotent: what exists and still fits is kept; --force starts over.
import { createPrivateKey } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Model } from '@geostage/schema';
import {
  caCertificate,
  dhParameters,
  fingerprint,
  issuedBy,
  type KeyType,
  keyMatches,
  pemBody,
  privateKey,
  routerCertificate,
} from './certificates.ts';
import { publicNames, secretNames } from './names.ts';
import { staticKey, staticKeyHex } from './static-key.ts';
import { privateFolder, readOrNull, writeAtomic } from './store.ts';

export interface SecretsInitOptions {
  /** Replace every existing secret (a new CA re-issues every router certificate). Default false. */
  force?: boolean;
  /** Key type of the CA and new router keys: EC P-256 (default) or RSA 2048. */
  keyType?: KeyType;
  caDays?: number;
  routerDays?: number;
}

export interface SecretsReport {
  /** Files written by this run, relative to the environment folder (secrets/..., public/...). */
  created: string[];
  /** Files that already existed and were kept. */
  kept: string[];
}

export type SecretsInitResult =
  | ({ ok: true } & SecretsReport)
  | ({ ok: false; error: string } & SecretsReport);

const PRIVATE = 0o600;
const PUBLIC = 0o644;

class Failure extends Error {}

function keyTypeOf(pem: string): KeyType | null {
  try {
    const type = createPrivateKey(pem).asymmetricKeyType;
    return type === 'ec' || type === 'rsa' ? type : null;
  } catch {
    return null;
  }
}

/** Creates the secrets of `model` under `envDir` (environments/<env>). Never throws: errors come back as values. */
export async function secretsInit(
  envDir: string,
  model: Model,
  options: SecretsInitOptions = {},
): Promise<SecretsInitResult> {
  const report: SecretsReport = { created: [], kept: [] };
  const secrets = join(envDir, 'secrets');
  const publicDir = join(envDir, 'public');
  const force = options.force ?? false;

  const secretPath = (name: string) => join(secrets, name);
  const publicPath = (name: string) => join(publicDir, name);
  const write = async (relative: string, content: string, mode: number) => {
    await writeAtomic(join(envDir, relative), content, mode);
    report.created.push(relative);
  };
  // Derived files (one-line bodies, fingerprints) are rewritten only when their content changes.
  const derive = async (relative: string, content: string, mode: number) => {
    if ((await readOrNull(join(envDir, relative))) === content) report.kept.push(relative);
    else await write(relative, content, mode);
  };
  const need = <T>(outcome: { ok: true; value: T } | { ok: false; error: string }): T => {
    if (!outcome.ok) throw new Failure(outcome.error);
    return outcome.value;
  };

  try {
    await privateFolder(secrets);
    await privateFolder(join(secrets, 'openvpn'));

    if (model.vpn.authentication === 'static-key') {
      for (const tunnel of model.tunnels) {
        const name = secretNames.staticKey(tunnel.name);
        const existing = await readOrNull(secretPath(name));
        let key = existing;
        if (!force && existing !== null && staticKeyHex(existing) !== null)
          report.kept.push(`secrets/${name}`);
        else {
          key = staticKey();
          await write(`secrets/${name}`, key, PRIVATE);
        }
        await derive(`secrets/${secretNames.staticKeyBody(tunnel.name)}`, `${staticKeyHex(key!)}\n`, PRIVATE);
      }
      return { ok: true, ...report };
    }

    await mkdir(publicDir, { recursive: true });
    const keyType = options.keyType ?? 'ec';
    const caKeyPath = secretPath(secretNames.caKey);
    const caPath = publicPath(publicNames.caCertificate);
    let caKey = await readOrNull(caKeyPath);
    let ca = await readOrNull(caPath);
    let caRenewed = false;
    if (!force && caKey !== null && ca !== null && keyMatches(ca, caKey)) {
      report.kept.push(`secrets/${secretNames.caKey}`, `public/${publicNames.caCertificate}`);
    } else if (!force && ca !== null && (caKey === null || !keyMatches(ca, caKey))) {
      // The committed CA certificate is the trust anchor of routers already deployed:
      // replacing it silently would cut every tunnel, so ask first.
      throw new Failure(
        `public/${publicNames.caCertificate} exists but secrets/${secretNames.caKey} is ${caKey === null ? 'missing' : 'not its key'}: ` +
          'copy the CA key from where the environment was first set up, or pass --force to start a new CA (every router then needs its new certificate)',
      );
    } else {
      caKey = need(await privateKey(keyType));
      await write(`secrets/${secretNames.caKey}`, caKey, PRIVATE);
      ca = need(await caCertificate(caKeyPath, `geostage ${model.name} CA`, options.caDays ?? 3650));
      await write(`public/${publicNames.caCertificate}`, ca, PUBLIC);
      caRenewed = true;
    }

    const fingerprints: Record<string, string> = { [publicNames.caCertificate]: fingerprint(ca!) };
    const routers = model.sites.map((site) => site.router.name).sort();
    for (const router of routers) {
      const keyName = secretNames.routerKey(router);
      const certificateName = publicNames.routerCertificate(router);
      let key = await readOrNull(secretPath(keyName));
      let certificate = await readOrNull(publicPath(certificateName));
      const keyUsable = !force && key !== null && keyTypeOf(key) !== null;
      if (keyUsable) report.kept.push(`secrets/${keyName}`);
      else {
        key = need(await privateKey(keyType));
        await write(`secrets/${keyName}`, key, PRIVATE);
      }
      const certificateFits =
        keyUsable &&
        !caRenewed &&
        certificate !== null &&
        keyMatches(certificate, key!) &&
        issuedBy(certificate, ca!, router);
      if (certificateFits) report.kept.push(`public/${certificateName}`);
      else {
        certificate = need(
          await routerCertificate({
            keyPath: secretPath(keyName),
            keyType: keyTypeOf(key!)!,
            router,
            caCertificatePath: caPath,
            caKeyPath,
            days: options.routerDays ?? 1825,
          }),
        );
        await write(`public/${certificateName}`, certificate, PUBLIC);
      }
      await derive(`secrets/${secretNames.routerKeyBody(router)}`, `${pemBody(key!)}\n`, PRIVATE);
      fingerprints[certificateName] = fingerprint(certificate!);
    }
    await derive(`public/${publicNames.fingerprints}`, `${JSON.stringify(fingerprints, null, 2)}\n`, PUBLIC);
    const legacy = model.sites.some(
      (site) => site.router.os === 'vyos' && (site.router.release === '1.2' || site.router.release === '1.3'),
    );
    if (legacy) await derive(`public/${publicNames.dhParameters}`, need(await dhParameters()), PUBLIC);
    return { ok: true, ...report };
  } catch (error) {
    const message =
      error instanceof Failure ? error.message : `cannot write secrets: ${(error as Error).message}`;
    return { ok: false, error: message, ...report };
  }
}
