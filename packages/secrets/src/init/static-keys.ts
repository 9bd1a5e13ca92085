// The static-key half of secrets init: one OpenVPN static key per tunnel, plus its one-line
// body for formats that embed it. A key that exists and parses is kept unless forced.
import type { Model } from '@geostage/schema';
import { secretNames } from '../names.ts';
import { type InitFiles, PRIVATE } from './files.ts';
import { staticKey, staticKeyHex } from './static-key.ts';

export async function initStaticKeys(files: InitFiles, model: Model, force: boolean): Promise<void> {
  for (const tunnel of model.tunnels) {
    const name = secretNames.staticKey(tunnel.name);
    const existing = await files.read('secrets', name);
    let key = existing;
    if (!force && existing !== null && staticKeyHex(existing) !== null) files.keep('secrets', name);
    else {
      key = staticKey();
      await files.write('secrets', name, key, PRIVATE);
    }
    await files.derive('secrets', secretNames.staticKeyBody(tunnel.name), `${staticKeyHex(key!)}\n`, PRIVATE);
  }
}
