// A secret that a command on a host prints, as apply stores it: the CA public key hash that
// `kubeadm init` leaves behind becomes secrets/kubeadm/ca-cert-hash, which every join checks the
// cluster against. Pure: the command's stdout in, the secret file's text out.
import type { Capture } from '../execute/actions.ts';

export type CapturedSecret = { ok: true; value: string } | { ok: false; error: string };

/** 64 hex digits, as `sha256sum` (`<hex>  -`) or `openssl dgst -sha256 -hex` (`SHA2-256(stdin)= <hex>`) print them. */
const SHA256 = /(?:^|[\s=])([0-9a-f]{64})(?=\s|$)/gi;

/**
 * The text to write to `secrets/<capture.secret>`: for `sha256-hash`, kubeadm's
 * `sha256:<64 lower-case hex>` and a line break. The error says what the output lacked, never
 * what it held (it may hold a secret).
 */
export function capturedSecret(capture: Capture, stdout: string): CapturedSecret {
  switch (capture.transform) {
    case 'sha256-hash': {
      const digests = [...new Set([...stdout.matchAll(SHA256)].map((match) => match[1]!.toLowerCase()))];
      if (digests.length !== 1)
        return {
          ok: false,
          error: `${capture.secret}: expected one SHA-256 digest (64 hex digits) in the output, found ${digests.length}`,
        };
      return { ok: true, value: `sha256:${digests[0]}\n` };
    }
  }
}
