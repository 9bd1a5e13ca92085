// geostage plan as a user runs it, in a scratch repository holding keio-2019 with its committed
// generated files, so that the secrets folder is whatever each test puts there.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');
const main = join(import.meta.dirname, 'main.ts');
let scratch = '';

function geostage(args: string[]) {
  const result = spawnSync(process.execPath, [main, ...args], { cwd: scratch, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function secret(name: string, value: string) {
  const path = join(scratch, 'environments', 'keio-2019', 'secrets', name);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${value}\n`, { mode: 0o600 });
}

afterEach(() => {
  rmSync(scratch, { recursive: true, force: true });
});

beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), 'geostage-plan-'));
  writeFileSync(join(scratch, 'nx.json'), '{}\n');
  for (const path of ['topology.yaml', 'generated']) {
    cpSync(join(root, 'environments', 'keio-2019', path), join(scratch, 'environments', 'keio-2019', path), {
      recursive: true,
    });
  }
});

describe('geostage plan', () => {
  it('prints every phase in order and exits 1 naming the missing kubeadm secrets', () => {
    const { code, stdout, stderr } = geostage(['plan', 'keio-2019']);
    expect(code).toBe(1);
    const headers = stdout.split('\n').filter((line) => /^\[\d+\/11\] /.test(line));
    expect(headers.map((line) => line.split(':')[0])).toEqual([
      '[1/11] routers',
      '[2/11] tunnel-check',
      '[3/11] server-networking',
      '[4/11] load-balancer',
      '[5/11] first-control-plane',
      '[6/11] other-control-planes',
      '[7/11] workers',
      '[8/11] labels',
      '[9/11] cni',
      '[10/11] apps',
      '[11/11] verification',
    ]);
    expect(stdout).toMatch(
      /^keio-2019: 11 phases, 27 steps on 12 hosts, \d+ uploads, \d+ commands, 10 blocked/,
    );
    expect(stdout).toMatch(
      /^ {2}master01 +ssh 192\.168\.10\.101 via vyos01 +blocked +first control plane at site1$/m,
    );
    expect(stdout).toContain('Blocked: 10 steps');
    expect(stdout).toContain(
      '  kubeadm/bootstrap-token   kubeadm token generate > environments/keio-2019/secrets/kubeadm/bootstrap-token (mode 0600)',
    );
    expect(stdout).toContain(
      '`geostage apply <env> --lab` runs its router and tunnel-check phases in the lab',
    );
    expect(stderr).toContain('geostage plan: 10 steps blocked:\n');
    expect(stderr).toContain(
      '  other-control-planes master02: missing secrets: kubeadm/bootstrap-token, kubeadm/certificate-key\n',
    );
    expect(stderr).toContain('  workers node04: missing secrets: kubeadm/bootstrap-token\n');
    expect(stderr).not.toContain('differ from a fresh generation');
  });

  it('exits 0 with nothing blocked once the secrets exist', () => {
    secret('kubeadm/bootstrap-token', 'abcdef.0123456789abcdef');
    secret('kubeadm/certificate-key', 'fedcba9876543210'.repeat(4));
    for (const tunnel of ['site1--site2', 'site1--site3', 'site2--site3'])
      secret(`openvpn/${tunnel}.key`, 'key');
    const { code, stdout, stderr } = geostage(['plan', 'keio-2019']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('Nothing is blocked.');
    expect(stdout).toContain('kubeadm/ca-cert-hash (made by master01 in first-control-plane)');
  });

  it('prints one phase with --phase, and counts only its steps for the exit code', () => {
    const labels = geostage(['plan', 'keio-2019', '--phase', 'labels']);
    expect(labels.code).toBe(0);
    expect(labels.stdout).toMatch(/^keio-2019: 1 phase, 1 step on 1 host, 1 upload, 1 command, 0 blocked/);
    expect(labels.stdout).toContain('[1/1] labels: ');
    const workers = geostage(['plan', 'keio-2019', '--phase', 'workers']);
    expect(workers.code).toBe(1);
    expect(workers.stdout).not.toContain('routers');
  });

  it('writes the plan as JSON', () => {
    const { code, stdout } = geostage(['plan', 'keio-2019', '--format', 'json', '--parallel', '4']);
    expect(code).toBe(1);
    const plan = JSON.parse(stdout);
    expect(plan.environment).toBe('keio-2019');
    expect(plan.phases.find((phase: { name: string }) => phase.name === 'workers').parallel).toBe(4);
    expect(plan.counts).toMatchObject({ steps: 27, blocked: 10 });
    expect(plan.missingSecrets.map((secret: { name: string }) => secret.name)).toEqual([
      'kubeadm/bootstrap-token',
      'kubeadm/certificate-key',
      'openvpn/site1--site2.key',
      'openvpn/site1--site3.key',
      'openvpn/site2--site3.key',
    ]);
  });

  it('warns when the generated files are not what generate would write now', () => {
    writeFileSync(
      join(scratch, 'environments', 'keio-2019', 'generated', 'cluster', 'cni', 'flannel.yaml'),
      'edited\n',
    );
    const { stderr } = geostage(['plan', 'keio-2019', '--phase', 'cni']);
    expect(stderr).toContain(
      'environments/keio-2019/generated/cluster: 1 files differ from a fresh generation; the plan shows what is on disk (run geostage generate keio-2019)',
    );
  });

  it('refuses a wrong call with exit code 2', () => {
    expect(geostage(['plan', 'keio-2019', '--phase', 'deploy']).code).toBe(2);
    expect(geostage(['plan']).code).toBe(2);
    expect(geostage(['plan', 'keio-2019', '--parallel', '0']).code).toBe(2);
  });
});
