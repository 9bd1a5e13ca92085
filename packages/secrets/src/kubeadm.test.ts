// The kubeadm secrets geostage makes itself: the formats kubeadm accepts, private files, kept
// once made, and a broken file reported by name without its content.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { BOOTSTRAP_TOKEN, CERTIFICATE_KEY, ensureKubeadmSecrets } from './kubeadm.ts';

function folder(): string {
  const made = mkdtempSync(join(tmpdir(), 'geostage-kubeadm-'));
  onTestFinished(() => rmSync(made, { recursive: true, force: true }));
  return join(made, 'secrets');
}

const mode = (path: string) => statSync(path).mode & 0o777;

describe('ensureKubeadmSecrets', () => {
  it('makes a bootstrap token and a certificate key in private files, and keeps them on the next run', async () => {
    const secrets = folder();
    expect(await ensureKubeadmSecrets(secrets)).toEqual({
      ok: true,
      created: ['kubeadm/bootstrap-token', 'kubeadm/certificate-key'],
      kept: [],
    });
    const token = readFileSync(join(secrets, 'kubeadm/bootstrap-token'), 'utf8');
    const key = readFileSync(join(secrets, 'kubeadm/certificate-key'), 'utf8');
    expect(token).toMatch(/^[a-z0-9]{6}\.[a-z0-9]{16}\n$/);
    expect(key).toMatch(/^[0-9a-f]{64}\n$/);
    expect(BOOTSTRAP_TOKEN.test(token.trim()) && CERTIFICATE_KEY.test(key.trim())).toBe(true);
    expect(mode(secrets)).toBe(0o700);
    expect(mode(join(secrets, 'kubeadm'))).toBe(0o700);
    expect(mode(join(secrets, 'kubeadm/bootstrap-token'))).toBe(0o600);
    expect(mode(join(secrets, 'kubeadm/certificate-key'))).toBe(0o600);
    expect(await ensureKubeadmSecrets(secrets)).toEqual({
      ok: true,
      created: [],
      kept: ['kubeadm/bootstrap-token', 'kubeadm/certificate-key'],
    });
    expect(readFileSync(join(secrets, 'kubeadm/bootstrap-token'), 'utf8')).toBe(token);
    expect(readFileSync(join(secrets, 'kubeadm/certificate-key'), 'utf8')).toBe(key);
  });

  it('makes a different token each time', async () => {
    const [one, two] = [folder(), folder()];
    await ensureKubeadmSecrets(one);
    await ensureKubeadmSecrets(two);
    const read = (secrets: string) => readFileSync(join(secrets, 'kubeadm/bootstrap-token'), 'utf8');
    expect(read(one)).not.toBe(read(two));
  });

  it('keeps a token made by kubeadm token generate, tightened to 0600', async () => {
    const secrets = folder();
    await ensureKubeadmSecrets(secrets);
    const path = join(secrets, 'kubeadm/bootstrap-token');
    writeFileSync(path, 'abcdef.0123456789abcdef\n', { mode: 0o644 });
    const result = await ensureKubeadmSecrets(secrets);
    expect(result).toMatchObject({ ok: true, created: [] });
    expect(readFileSync(path, 'utf8')).toBe('abcdef.0123456789abcdef\n');
    expect(mode(path)).toBe(0o600);
  });

  it('refuses a file that is not a token, naming the file and not its content', async () => {
    const secrets = folder();
    await ensureKubeadmSecrets(secrets);
    writeFileSync(join(secrets, 'kubeadm/bootstrap-token'), 'not-a-token-SECRETISH\n');
    const result = await ensureKubeadmSecrets(secrets);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toBe(
      `${join(secrets, 'kubeadm/bootstrap-token')} does not hold a bootstrap token ([a-z0-9]{6}.[a-z0-9]{16}): remove it and geostage makes a new one (every node must then join with the new value)`,
    );
    expect(result.error).not.toContain('SECRETISH');
  });

  it('returns an error, not an exception, when the folder cannot be made', async () => {
    const secrets = folder();
    writeFileSync(join(secrets, '..', 'a-file'), '');
    const result = await ensureKubeadmSecrets(join(secrets, '..', 'a-file', 'secrets'));
    expect(result).toMatchObject({ ok: false, error: expect.stringContaining('a-file'), created: [] });
  });
});
