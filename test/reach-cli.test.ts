// geostage reach as a user runs it: a child process from the repository root.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { reachabilityByName, readReportJson } from '@geostage/reach';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const main = join(root, 'packages', 'cli', 'src', 'main.ts');
const reference = JSON.parse(
  readFileSync(join(root, 'packages', 'reach', 'test-data', 'keio-2019.json'), 'utf8'),
);

function geostage(args: string[]) {
  const result = spawnSync(process.execPath, [main, ...args], { cwd: root, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('geostage reach', () => {
  it('writes reachability.json whose matrices are the thesis tables', () => {
    const { code, stdout, stderr } = geostage(['reach', 'keio-2019', '--format', 'json']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const report = readReportJson(JSON.parse(stdout));
    expect(report).toMatchObject({ format: 'geostage-reachability', version: 3 });
    expect(reachabilityByName(report, 'before')).toEqual(reference.reachability.before_vpn);
    expect(reachabilityByName(report, 'after')).toEqual(reference.reachability.after_vpn);
  });

  it('prints the matrix after the VPN with the tunnels first', () => {
    const { code, stdout } = geostage(['reach', 'keio-2019', '--after']);
    expect(code).toBe(0);
    expect(stdout).toContain('keio-2019: 8 servers, 3 routers, 3 of 3 tunnels up\n');
    expect(stdout).toContain(
      'vyos02  node01   | o        o        o        o        | -        o        | o        o\n',
    );
    expect(stdout).not.toContain('before the VPN');
  });

  it('compares with a git revision', () => {
    const { code, stdout } = geostage(['reach', 'global-hub', '--diff', 'HEAD']);
    expect(code).toBe(0);
    expect(stdout.split('\n')[0]).toBe('global-hub: reachability of the working tree against HEAD');
  });

  it('refuses an unknown environment and a second view option as usage errors', () => {
    expect(geostage(['reach', 'nowhere']).code).toBe(2);
    expect(geostage(['reach', 'keio-2019', '--before', '--after']).code).toBe(2);
  });
});

describe('geostage reach at its limit', () => {
  it('refuses the text view above --max-groups, saying how many groups and pairs, with exit 1; JSON has no limit', () => {
    const { code, stdout, stderr } = geostage(['reach', 'keio-2019', '--max-groups', '2']);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(
      /^geostage: reach: keio-2019: \d+ server groups make \d+ group pairs per view; counting every pair \(the text view, the site\) is done for at most 2 groups/,
    );
    expect(stderr).toMatch(
      /would take about 0\.0 GB of memory \(--format json writes the report at any size/,
    );
    const json = geostage(['reach', 'keio-2019', '--max-groups', '2', '--format', 'json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout).version).toBe(3);
  });
});
