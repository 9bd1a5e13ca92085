// generate and check as a user runs them, in a scratch repository (nx.json + one environment).
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');
const main = join(import.meta.dirname, 'main.ts');
let scratch = '';

function geostage(args: string[]) {
  const result = spawnSync(process.execPath, [main, ...args], { cwd: scratch, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const unshare = spawnSync('unshare', ['--map-root-user', '--mount', 'true']).status === 0;
const generated = (path: string) => join(scratch, 'environments', 'keio-2019', 'generated', path);

afterEach(() => {
  rmSync(scratch, { recursive: true, force: true });
});

beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), 'geostage-generate-'));
  writeFileSync(join(scratch, 'nx.json'), '{}\n');
  mkdirSync(join(scratch, 'environments', 'keio-2019'), { recursive: true });
  cpSync(
    join(root, 'environments', 'keio-2019', 'topology.yaml'),
    join(scratch, 'environments', 'keio-2019', 'topology.yaml'),
  );
});

describe('geostage generate and check', () => {
  it('generates the same bytes as the committed keio-2019 output, and check then passes', () => {
    const first = geostage(['generate']);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(
      'environments/keio-2019/generated/network: 14 files, 15 written, 0 removed',
    );
    for (const path of [
      'network/routers/vyos01/config.set',
      'cluster/nodes/master01/kubeadm.yaml',
      'network/index.json',
    ]) {
      expect(readFileSync(generated(path), 'utf8')).toBe(
        readFileSync(join(root, 'environments', 'keio-2019', 'generated', path), 'utf8'),
      );
    }
    expect(statSync(generated('network/servers/node01/netplan.yaml')).mode & 0o777).toBe(0o600);
    expect(geostage(['check']).code).toBe(0);
  });

  it('leaves unchanged files alone on a second run', () => {
    geostage(['generate']);
    const before = statSync(generated('network/routers/vyos01/config.set'));
    const again = geostage(['generate']);
    expect(again.stdout).toContain('environments/keio-2019/generated/network: 14 files, unchanged');
    const after = statSync(generated('network/routers/vyos01/config.set'));
    expect(after.mtimeMs).toBe(before.mtimeMs);
    expect(after.ino).toBe(before.ino);
  });

  it('check lists every drifted file and exits 1; generate repairs it', () => {
    geostage(['generate']);
    writeFileSync(generated('network/routers/vyos02/config.set'), 'set system host-name edited-by-hand\n');
    writeFileSync(generated('cluster/stray.yaml'), 'kind: Stray\n');
    const drift = geostage(['check']);
    expect(drift.code).toBe(1);
    expect(drift.stdout).toContain(
      'environments/keio-2019/generated/network/routers/vyos02/config.set: changed\n',
    );
    expect(drift.stdout).toContain('environments/keio-2019/generated/cluster/stray.yaml: extra\n');
    expect(geostage(['generate', 'keio-2019']).code).toBe(0);
    expect(geostage(['check', '--only', 'network']).code).toBe(0);
  });

  it('an invalid topology generates nothing and leaves the previous output untouched', () => {
    geostage(['generate']);
    const topology = join(scratch, 'environments', 'keio-2019', 'topology.yaml');
    const router = readFileSync(generated('network/routers/vyos01/config.set'), 'utf8');
    writeFileSync(topology, readFileSync(topology, 'utf8').replace('192.168.10.102', '192.168.10.101'));
    const broken = geostage(['generate']);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain('error duplicate-address');
    expect(readFileSync(generated('network/routers/vyos01/config.set'), 'utf8')).toBe(router);
  });

  it.skipIf(!unshare)('into a read-only folder exits 3 naming EROFS and the path, not ENOENT', () => {
    const environments = join(scratch, 'environments');
    const mount = `mount --bind ${environments} ${environments} && mount -o remount,bind,ro ${environments} && exec "$@"`;
    const result = spawnSync(
      'unshare',
      ['--map-root-user', '--mount', 'sh', '-c', mount, 'sh', process.execPath, main, 'generate'],
      { cwd: scratch, encoding: 'utf8' },
    );
    expect(result.status).toBe(3);
    expect(result.stderr).toContain(
      `geostage: generate: EROFS: read-only file system, mkdir '${join(environments, 'keio-2019', 'generated')}'`,
    );
    expect(result.stderr).not.toContain('    at ');
  });

  it('refuses an unknown environment or generator with a usage error', () => {
    expect(geostage(['generate', 'nowhere']).code).toBe(2);
    expect(geostage(['check', '--only', 'everything']).code).toBe(2);
  });
});
