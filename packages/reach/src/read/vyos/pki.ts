// OpenVPN shared secrets kept in the configuration (1.4+): `pki openvpn shared-secret NAME key
// VALUE` names a key that a tunnel end's `shared-secret-key NAME` refers to, possibly before it
// is defined. The rest of `pki` (certificates) is recognised and not modelled.
import { keyBasis } from '../../device.ts';
import type { SetLine, VyosReading } from './context.ts';

/** `pki openvpn shared-secret NAME key VALUE` */
export function readSharedSecret(reading: VyosReading, line: SetLine): void {
  const { path } = line;
  const name = path[3];
  const value = path[5];
  if (name !== undefined && path[4] === 'key' && value !== undefined) {
    const placeholder = /^@secret:([^@]+)@$/.exec(value);
    // The key basis of an embedded key is the secret it is filled from, so a VyOS 1.4 end
    // and a Linux end reading /etc/openvpn/.../<tunnel>.key compare equal.
    reading.sharedSecrets.set(name, keyBasis((placeholder?.[1] ?? name).replace(/\.body$/, '')));
  }
}

/** Gives every end that named a shared secret its key basis; a name never defined is a warning. */
export function resolveSharedSecrets(reading: VyosReading): void {
  for (const { end, name } of reading.pendingSecretNames) {
    const basis = reading.sharedSecrets.get(name);
    if (basis === undefined) {
      reading.warnings.push({
        file: reading.file,
        line: end.origin.line,
        message: `${end.interface}: shared-secret-key ${name} has no pki openvpn shared-secret ${name}`,
      });
    }
    end.authentication = { kind: 'static-key', key: basis ?? name };
  }
}
