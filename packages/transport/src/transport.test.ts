// Transport without root: local commands fail with their own words, polls time out naming what
// they waited for, and a public key line becomes the blob ssh2 verifies.
import { describe, expect, it } from 'vitest';
import { run, waitFor } from './local.ts';
import { publicKeyBlob } from './ssh.ts';

describe('transport', () => {
  it('runs a command and names it when it fails', async () => {
    expect(await run('echo', ['hello'])).toBe('hello\n');
    await expect(run('sh', ['-c', 'echo why >&2; exit 3'])).rejects.toThrow(/^sh -c .*: why$/);
  });

  it('waits for a value, or says what it waited for', async () => {
    let tries = 0;
    expect(await waitFor('three tries', 2_000, async () => (++tries >= 3 ? tries : null))).toBe(3);
    await expect(waitFor('nothing', 300, async () => null)).rejects.toThrow(
      'timed out after 300 ms waiting for nothing',
    );
  });

  it('reads the key blob of a public key line', () => {
    expect(publicKeyBlob('ssh-ed25519 AAAAC3Nz host').toString('base64')).toBe('AAAAC3Nz');
  });
});
