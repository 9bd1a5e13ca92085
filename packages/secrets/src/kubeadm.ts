// The two kubeadm secrets geostage makes itself before `kubeadm init`: the bootstrap token the
// InitConfiguration and every JoinConfiguration name, and the certificate key that encrypts the
// control-plane certificates `kubeadm init --upload-certs` leaves for the other control planes.
// Made once, when absent, from the operating system's random source; kept on every later run.
// (The third, the CA cert hash, exists only after init: apply captures it on the first control plane.)
import { randomBytes, randomInt } from 'node:crypto';
import { chmod } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { privateFolder, readOrNull, writeAtomic } from './init/store.ts';
import { kubeadmSecretNames } from './names.ts';

/** kubeadm's bootstrap token: `[a-z0-9]{6}.[a-z0-9]{16}` (id.secret). */
export const BOOTSTRAP_TOKEN = /^[a-z0-9]{6}\.[a-z0-9]{16}$/;
/** kubeadm's certificate key: 32 bytes as 64 hex digits (AES-256). */
export const CERTIFICATE_KEY = /^[0-9a-f]{64}$/;

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
/** Each character uniformly from the alphabet (randomInt has no modulo bias). */
const randomWord = (length: number) =>
  Array.from({ length }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');

export function newBootstrapToken(): string {
  return `${randomWord(6)}.${randomWord(16)}`;
}

export function newCertificateKey(): string {
  return randomBytes(32).toString('hex');
}

export type KubeadmSecretsResult =
  | { ok: true; created: string[]; kept: string[] }
  | { ok: false; error: string; created: string[]; kept: string[] };

const WANTED = [
  {
    name: kubeadmSecretNames.bootstrapToken,
    pattern: BOOTSTRAP_TOKEN,
    make: newBootstrapToken,
    what: 'a bootstrap token ([a-z0-9]{6}.[a-z0-9]{16})',
  },
  {
    name: kubeadmSecretNames.certificateKey,
    pattern: CERTIFICATE_KEY,
    make: newCertificateKey,
    what: 'a certificate key (64 hex digits)',
  },
] as const;

/**
 * Creates `kubeadm/bootstrap-token` and `kubeadm/certificate-key` under `secretsFolder` when
 * absent (files 0600, folders 0700, written atomically) and keeps them when present, tightened
 * to 0600. A file that does not hold what its name says is an error naming the file, never its
 * content. Returns the names (relative to the folder) created and kept; never logs a value.
 */
export async function ensureKubeadmSecrets(secretsFolder: string): Promise<KubeadmSecretsResult> {
  const created: string[] = [];
  const kept: string[] = [];
  try {
    return await ensure(secretsFolder, created, kept);
  } catch (error) {
    // A folder that cannot be made, a full disk: the message names the path (Node's errors do).
    return { ok: false, error: error instanceof Error ? error.message : String(error), created, kept };
  }
}

async function ensure(
  secretsFolder: string,
  created: string[],
  kept: string[],
): Promise<KubeadmSecretsResult> {
  await privateFolder(secretsFolder);
  for (const secret of WANTED) {
    const path = join(secretsFolder, secret.name);
    await privateFolder(dirname(path));
    const existing = await readOrNull(path);
    if (existing !== null) {
      if (!secret.pattern.test(existing.replace(/\r?\n$/, '')))
        return {
          ok: false,
          error: `${path} does not hold ${secret.what}: remove it and geostage makes a new one (every node must then join with the new value)`,
          created,
          kept,
        };
      await chmod(path, 0o600);
      kept.push(secret.name);
      continue;
    }
    await writeAtomic(path, `${secret.make()}\n`, 0o600);
    created.push(secret.name);
  }
  return { ok: true, created, kept };
}
