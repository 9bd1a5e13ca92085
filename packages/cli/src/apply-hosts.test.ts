// geostage apply on real hosts, short of any connection: the inventory read and checked (file:line),
// the defaults when there is none, a dry run that lists every phase's actions per host and
// touches nothing, and the usage errors. The live path is test/lab/apply-machines.test.ts.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');
const main = join(import.meta.dirname, 'main.ts');
let scratch = '';
const environment = () => join(scratch, 'environments', 'keio-2019');

function geostage(args: string[]) {
  const result = spawnSync(process.execPath, [main, ...args], { cwd: scratch, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), 'geostage-apply-hosts-'));
  writeFileSync(join(scratch, 'nx.json'), '{}\n');
  for (const path of ['topology.yaml', 'generated'])
    cpSync(join(root, 'environments', 'keio-2019', path), join(environment(), path), { recursive: true });
});

afterEach(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe('geostage apply <env> (real hosts)', () => {
  it('--dry-run without an inventory: the topology defaults, every phase, nothing touched', () => {
    expect(geostage(['secrets', 'init', 'keio-2019']).code).toBe(0);
    const { code, stdout } = geostage(['apply', 'keio-2019', '--dry-run']);
    expect(code, stdout).toBe(0);
    expect(stdout).toContain(
      "apply keio-2019 to 11 hosts (the topology's defaults) (dry run: nothing is touched)",
    );
    expect(stdout).toMatch(/^ {2}vyos01 \(10\.4\.0\.90\):$/m);
    expect(stdout).toMatch(/would upload \/config\/geostage\/config\.set\.geostage-new/);
    expect(stdout).toMatch(/^ {2}node01 \(192\.168\.20\.101\):$/m);
    expect(stdout).toMatch(/\[first-control-plane\] 1 hosts/);
    expect(existsSync(join(environment(), '.apply'))).toBe(false);
  });

  it('an inventory with a mistake is refused with file:line, exit 1', () => {
    writeFileSync(join(environment(), 'inventory.yaml'), 'hosts:\n  vyos01:\n    jump: vyos09\n');
    const { code, stderr } = geostage(['apply', 'keio-2019', '--dry-run']);
    expect(code).toBe(1);
    expect(stderr).toMatch(
      /inventory\.yaml:3:11: error inventory-unknown-jump: vyos01 jumps through "vyos09"/,
    );
  });

  it('a named inventory that does not exist, and --lab with --inventory', () => {
    const missing = geostage(['apply', 'keio-2019', '--inventory', 'nowhere.yaml']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/nowhere\.yaml: no such inventory file/);
    const both = geostage(['apply', 'keio-2019', '--lab', '--inventory', 'x.yaml']);
    expect(both.code).toBe(2);
  });

  it('a platform: linux router is planned from its Linux rendering', () => {
    expect(geostage(['secrets', 'init', 'keio-2019']).code).toBe(0);
    writeFileSync(join(environment(), 'inventory.yaml'), 'hosts:\n  vyos02:\n    platform: linux\n');
    const { code, stdout } = geostage(['apply', 'keio-2019', '--dry-run', '--phase', 'routers']);
    expect(code, stdout).toBe(0);
    expect(stdout).toContain(
      'vyos02: the topology says vyos 1.2; the inventory says it runs the Linux rendering',
    );
    expect(stdout).toMatch(/would upload \/etc\/nftables\.conf\.geostage-new/);
  });
});
