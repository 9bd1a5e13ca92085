// geostage hosts scan as a user runs it, without root and without a network: usage mistakes,
// an inventory that does not load, and hosts that refuse the connection (closed ports on this
// machine's loopback), whose servers are then not scanned and whose known_hosts is not written.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';

const root = join(import.meta.dirname, '..', '..', '..');
const main = join(import.meta.dirname, 'main.ts');
let scratch = '';

function geostage(args: string[]) {
  const result = spawnSync(process.execPath, [main, ...args], { cwd: scratch, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), 'geostage-hosts-'));
  writeFileSync(join(scratch, 'nx.json'), '{}\n');
  cpSync(
    join(root, 'environments', 'keio-2019', 'topology.yaml'),
    join(scratch, 'environments', 'keio-2019', 'topology.yaml'),
  );
});
afterEach(() => rmSync(scratch, { recursive: true, force: true }));

describe('geostage hosts scan', () => {
  it('says how to call it', () => {
    expect(geostage(['hosts', 'list', 'keio-2019'])).toMatchObject({ code: 2 });
    expect(geostage(['hosts', 'scan'])).toMatchObject({ code: 2 });
    const unknown = geostage(['hosts', 'scan', 'keio-2019', '--replace', 'vyos9']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain(
      '--replace vyos9: no such host in keio-2019 (vyos01, vyos02, vyos03, lb,',
    );
  });

  it('stops at an inventory with errors, naming the line', () => {
    const file = join(scratch, 'environments', 'keio-2019', 'inventory.yaml');
    writeFileSync(file, 'hosts:\n  vyos1: {}\n');
    const result = geostage(['hosts', 'scan', 'keio-2019']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /environments\/keio-2019\/inventory\.yaml:2:\d+: error inventory-unknown-host/,
    );
    expect(result.stderr).toContain('did you mean "vyos01"?');
  });

  it('reports refused routers as unreachable, scans nothing behind them, and writes nothing', () => {
    const names = [
      'vyos01',
      'vyos02',
      'vyos03',
      'lb',
      'master01',
      'master02',
      'master03',
      'node01',
      'node02',
      'node03',
      'node04',
    ];
    // Port 2 on loopback: nothing listens there, so every router refuses at once.
    const hosts = Object.fromEntries(names.map((name) => [name, { address: '127.0.0.1', port: 2 }]));
    const file = join(scratch, 'environments', 'keio-2019', 'inventory.yaml');
    writeFileSync(file, stringify({ defaults: { identity: 'no-such-key' }, hosts }));
    const result = geostage(['hosts', 'scan', 'keio-2019', '--yes']);
    expect(result.code, result.stdout + result.stderr).toBe(1);
    expect(result.stdout).toMatch(
      /^ {2}vyos01 +unreachable: vyos01 \(vyos@127\.0\.0\.1:2 from this machine\): connect ECONNREFUSED 127\.0\.0\.1:2$/m,
    );
    expect(result.stdout).toMatch(/^ {2}node04 +not scanned: its jump host vyos03 was not reached$/m);
    expect(result.stdout).toContain(
      '11 hosts: 0 new, 0 unchanged, 0 changed (0 to replace), 3 unreachable, 8 not scanned',
    );
    expect(existsSync(join(scratch, 'environments', 'keio-2019', 'known_hosts'))).toBe(false);
  });
});
