// geostage scenario as a user runs it in the repository: validate and plan need no lab; run
// without a lab says so; a bad scenario is reported in the house's diagnostic format.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');
const main = join(import.meta.dirname, 'main.ts');

function geostage(args: string[]) {
  const result = spawnSync(process.execPath, [main, ...args], { cwd: root, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('geostage scenario', () => {
  it('validate: ok with the phase count', () => {
    const result = geostage(['scenario', 'validate', 'keio-2019', 'tunnel-flap']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('environments/keio-2019/scenarios/tunnel-flap.yaml: ok (8 phases)\n');
  });

  it('plan: the partition phase loses the 24 pairs to and from site2, the heal regains them', () => {
    const result = geostage(['scenario', 'plan', 'keio-2019', 'site2-partition']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(
      '1. partition site2 from site1, site3 (drop) (after converged, hold 3 s)\n',
    );
    expect(result.stdout).toContain('   reachable 32/56\n   loses 24: lb->node01 ');
    expect(result.stdout).toContain('   reachable 56/56\n   regains 24: ');
  });

  it('plan: the hub restart keeps only the 12 pairs inside a site', () => {
    const result = geostage(['scenario', 'plan', 'global-hub', 'hub-restart']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(
      '1. router-stop hub-tokyo (after converged, hold 3 s)\n   reachable 12/72\n   loses 60: ',
    );
  });

  it('an unknown scenario: exit 1 with the known ones as the hint', () => {
    const result = geostage(['scenario', 'plan', 'keio-2019', 'nope']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('error file-unreadable: no scenario named "nope"');
    expect(result.stderr).toContain('scenarios of keio-2019: site2-partition, tunnel-flap');
  });

  it('usage errors exit 2', () => {
    expect(geostage(['scenario', 'plan', 'keio-2019']).code).toBe(2);
    expect(geostage(['scenario', 'bogus', 'keio-2019', 'x']).code).toBe(2);
  });
});
