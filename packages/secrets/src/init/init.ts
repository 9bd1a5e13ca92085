// `geostage secrets init <env>`: creates what the topology's authentication needs.
//   tls        -> a CA, and a key and certificate per router (CN = router name)   (tls.ts)
//   static-key -> one OpenVPN static key per tunnel                              (static-keys.ts)
// Private halves go to environments/<env>/secrets/ (0700 folder, 0600 files, git-ignored);
// public halves (certificates, fingerprints) to environments/<env>/public/ (committed).
// Idempotent: what exists and still fits is kept; --force starts over.
import { join } from 'node:path';
import type { Model } from '@geostage/schema';
import type { KeyType } from './certificates.ts';
import { Failure, InitFiles, type SecretFolders, type SecretsReport } from './files.ts';
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
  const files = new InitFiles(folders);
  const force = options.force ?? false;
  try {
    await privateFolder(folders.secrets);
    await privateFolder(join(folders.secrets, 'openvpn'));
    if (model.vpn.authentication === 'static-key') await initStaticKeys(files, model, force);
    else {
      await initTls(files, model, {
        force,
        keyType: options.keyType ?? 'ec',
        caDays: options.caDays ?? 3650,
        routerDays: options.routerDays ?? 1825,
      });
    }
    return { ok: true, ...files.report };
  } catch (error) {
    const message =
      error instanceof Failure ? error.message : `cannot write secrets: ${(error as Error).message}`;
    return { ok: false, error: message, ...files.report };
  }
}
