// The CA hash every kubeadm join checks: the plan's own command, run with the real openssl on a
// real CA certificate, turned into the secret by capturedSecret, equals kubeadm's definition
// (SHA-256 of the DER SubjectPublicKeyInfo), computed here independently with node:crypto.
import { spawnSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTopologyFile, resolve } from '@geostage/schema';
import { describe, expect, it, onTestFinished } from 'vitest';
import { buildPlan } from '../plan/index.ts';
import { capturedSecret } from './capture.ts';

const root = join(import.meta.dirname, '..', '..', '..', '..');
const capture = { secret: 'kubeadm/ca-cert-hash', transform: 'sha256-hash' } as const;

async function hashCommand(): Promise<string> {
  const source = 'environments/keio-2019/topology.yaml';
  const { topology } = await loadTopologyFile(join(root, source));
  const plan = buildPlan({ model: resolve(topology!, source), network: [], cluster: [] });
  const step = plan.phases.find((phase) => phase.name === 'first-control-plane')!.steps[0]!;
  return step.commands.find((command) => command.kind === 'ca-cert-hash')!.run;
}

describe('capturedSecret', () => {
  for (const key of [
    ['rsa', ['-newkey', 'rsa:2048']],
    ['ecdsa', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256']],
  ] as const) {
    it(`turns the output of the plan's CA hash command into kubeadm's sha256:<hex> (${key[0]} CA)`, async () => {
      const folder = mkdtempSync(join(tmpdir(), 'geostage-ca-'));
      onTestFinished(() => rmSync(folder, { recursive: true, force: true }));
      const made = spawnSync(
        'openssl',
        [
          'req',
          '-x509',
          ...key[1],
          '-nodes',
          '-keyout',
          join(folder, 'ca.key'),
          '-out',
          join(folder, 'ca.crt'),
          '-days',
          '1',
          '-subj',
          '/CN=kubernetes',
        ],
        { encoding: 'utf8' },
      );
      expect(made.status, made.stderr).toBe(0);
      const command = (await hashCommand()).replace('/etc/kubernetes/pki/ca.crt', join(folder, 'ca.crt'));
      const ran = spawnSync('sh', ['-c', command], { encoding: 'utf8' });
      expect(ran.status, ran.stderr).toBe(0);
      const spki = new X509Certificate(readFileSync(join(folder, 'ca.crt'))).publicKey.export({
        type: 'spki',
        format: 'der',
      });
      const expected = `sha256:${createHash('sha256').update(spki).digest('hex')}\n`;
      expect(capturedSecret(capture, ran.stdout)).toEqual({ ok: true, value: expected });
    });
  }

  it("reads openssl dgst's form too", () => {
    const hex = 'a'.repeat(64);
    expect(capturedSecret(capture, `SHA2-256(stdin)= ${hex}\n`)).toEqual({
      ok: true,
      value: `sha256:${hex}\n`,
    });
  });

  it('refuses an output without exactly one digest, without repeating the output', () => {
    expect(capturedSecret(capture, 'openssl: unable to load certificate\n')).toEqual({
      ok: false,
      error: 'kubeadm/ca-cert-hash: expected one SHA-256 digest (64 hex digits) in the output, found 0',
    });
    const two = capturedSecret(capture, `${'a'.repeat(64)}  -\n${'b'.repeat(64)}  -\n`);
    expect(two).toMatchObject({ ok: false, error: expect.stringMatching(/found 2$/) });
  });
});
