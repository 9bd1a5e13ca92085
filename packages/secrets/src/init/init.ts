// `geostage secrets init <env>`: creates what the topology's authentication needs.
//   tls        -> a CA, and a key and certificate per router (CN = router name)   (tls.ts)
//   static-key -> one OpenVPN static key per tunnel                              (static-keys.ts)
// Private halves go to environments/<env>/secrets/ (0700 folder, 0600 files, git-ignored);
// public halves (certificates, fingerprints) to environments/<env>/public/ (committed).
// Idempotent: what exists and still fits is kept; --force starts over. All or nothing: the
// run works on copies and swaps them in at the end (staging.ts), so a failure changes nothing.
import { join } from 'node:path';
import type { Model } from '@geostage/schema';
import type { KeyType } from './certificates.ts';
import { Failure, InitFiles, type SecretFolders, type SecretsReport } from './files.ts';
import { fillStaging, recoverStaging, removeStaging, stagingFolders, swapIn } from './staging.ts';
import { initStaticKeys } from './static-keys.ts';
import { privateFolder } from './store.ts';
import { initTls } from './tls.ts';

export interface SecretsInitOptions {
  /** Replace every existing secret (a new CA re-issues every router certificate). Default false. */
  force?: boolean;
  /** Key type of the CA and new router keys: EC P-256 (default) or RSA 2048. */
  keyType?: KeyType;
  caDays?: number;
  routerDays?: number;
}

export type SecretsInitResult =
  | ({ ok: true } & SecretsReport)
  | ({ ok: false; error: string } & SecretsReport);

/** Creates the secrets of `model` in `folders` (an environment's). Never throws: errors come back as values. */
export async function secretsInit(
  folders: SecretFolders,
  model: Model,
  options: SecretsInitOptions = {},
): Promise<SecretsInitResult> {
  const staging = stagingFolders(folders);
  // Files are made in the staging copies and reported as the real folders will hold them.
  const files = new InitFiles(staging, folders);
  const force = options.force ?? false;
  try {
    await recoverStaging(folders);
    await fillStaging(folders, staging);
    await privateFolder(staging.secrets);
    await privateFolder(join(staging.secrets, 'openvpn'));
    if (model.vpn.authentication === 'static-key') await initStaticKeys(files, model, force);
    else {
      await initTls(files, model, {
        force,
        keyType: options.keyType ?? 'ec',
        caDays: options.caDays ?? 3650,
        routerDays: options.routerDays ?? 1825,
      });
    }
    await swapIn(staging, folders);
    return { ok: true, ...files.report };
  } catch (error) {
    const message =
      error instanceof Failure ? error.message : `cannot write secrets: ${(error as Error).message}`;
    // Nothing of a failed run reaches the real folders, so nothing it reports was created.
    return { ok: false, error: message, created: [], kept: files.report.kept };
  } finally {
    await removeStaging(staging).catch(() => undefined);
  }
}
