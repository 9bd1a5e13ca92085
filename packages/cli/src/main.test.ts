// The geostage command as a user runs it: a child process of this Node, from the repository root.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');
const main = join(import.meta.dirname, 'main.ts');
const invalid = 'packages/schema/test-data/invalid';

function geostage(args: string[], cwd = root) {
  const result = spawnSync(process.execPath, [main, ...args], { cwd, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const made: string[] = [];
afterAll(() => {
  for (const folder of made.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function scratch(): string {
  const folder = mkdtempSync(join(tmpdir(), 'geostage-main-'));
  made.push(folder);
  return folder;
}

/** A repository of its own holding copies of the named bundled environments, and nothing else. */
function repositoryWith(...environments: string[]): string {
  const folder = scratch();
  writeFileSync(join(folder, 'nx.json'), '{}\n');
  for (const name of environments) {
    mkdirSync(join(folder, 'environments', name), { recursive: true });
    cpSync(
      join(root, 'environments', name, 'topology.yaml'),
      join(folder, 'environments', name, 'topology.yaml'),
    );
  }
  return folder;
}

/** Runs geostage with its standard output closed at once, as `geostage ... | head -0` does. */
function withClosedOutput(args: string[], cwd = root): Promise<{ code: number | null; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [main, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('close', (code) => done({ code, stderr }));
  });
}

describe('geostage validate', () => {
  it('validates every environment when given no argument', () => {
    const { code, stdout } = geostage(['validate'], repositoryWith('keio-2019', 'global-hub', 'wide-2012'));
    expect(code).toBe(0);
    expect(stdout).toContain('environments/keio-2019/topology.yaml: ok (3 sites, 8 servers)\n');
    expect(stdout).toContain('environments/global-hub/topology.yaml: ok (4 sites, 9 servers, 1 warning)\n');
    expect(stdout).toContain('environments/wide-2012/topology.yaml: ok (4 sites, 9 servers)\n');
  });

  it('validates a folder that holds a topology.yaml, and says so when a folder holds none', () => {
    const folder = geostage(['validate', 'environments/keio-2019']);
    expect(folder.code).toBe(0);
    expect(folder.stdout).toBe('environments/keio-2019/topology.yaml: ok (3 sites, 8 servers)\n');
    const empty = geostage(['validate', 'packages']);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('the folder "packages" holds no topology.yaml');
  });

  it('resolves an environment name from any folder inside the repository', () => {
    const { code, stdout } = geostage(['validate', 'keio-2019'], join(root, 'packages', 'schema'));
    expect(code).toBe(0);
    expect(stdout).toBe('../../environments/keio-2019/topology.yaml: ok (3 sites, 8 servers)\n');
  });

  it('prints every diagnostic with its hint and exits 1 on an invalid file', () => {
    const { code, stdout } = geostage(['validate', `${invalid}/three-mistakes.yaml`, 'keio-2019']);
    expect(code).toBe(1);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(
      `${invalid}/three-mistakes.yaml:23:13: error duplicate-name: server name "lb" is already used by another server (line 22)`,
    );
    expect(lines[1]).toBe(
      '  hint: rename one of them: routers and servers share one namespace of host names',
    );
    expect(lines.filter((line) => line.startsWith('  hint: '))).toHaveLength(3);
    expect(lines.at(-2)).toBe(`${invalid}/three-mistakes.yaml: invalid (3 errors)`);
    expect(lines.at(-1)).toBe('environments/keio-2019/topology.yaml: ok (3 sites, 8 servers)');
  });

  it('passes with warnings and counts them in the summary', () => {
    const { code, stdout } = geostage(['validate', `${invalid}/static-key-on-linux.yaml`]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/warning static-key-deprecated: /);
    expect(stdout).toContain(`${invalid}/static-key-on-linux.yaml: ok (2 sites, 3 servers, 1 warning)\n`);
  });

  it('reports YAML syntax errors with their position', () => {
    const { code, stdout } = geostage(['validate', `${invalid}/yaml-tab.yaml`]);
    expect(code).toBe(1);
    expect(stdout).toContain(`${invalid}/yaml-tab.yaml:5:1: error yaml-syntax: `);
  });

  it('writes one JSON document with --format json', () => {
    const { code, stdout } = geostage([
      'validate',
      '--format',
      'json',
      'keio-2019',
      `${invalid}/gateway-is-server.yaml`,
    ]);
    expect(code).toBe(1);
    const report = JSON.parse(stdout);
    expect(report.ok).toBe(false);
    expect(report.files).toHaveLength(2);
    expect(report.files[0]).toEqual({
      file: 'environments/keio-2019/topology.yaml',
      ok: true,
      sites: 3,
      servers: 8,
      diagnostics: [],
    });
    expect(report.files[1].diagnostics[0]).toMatchObject({
      severity: 'error',
      code: 'gateway-is-server',
      line: 24,
      column: 38,
      path: 'servers[2].address',
    });
  });

  it('exits 2 on an unknown environment, naming the ones that exist', () => {
    const { code, stdout, stderr } = geostage(
      ['validate', 'atlantis'],
      repositoryWith('keio-2019', 'wide-2012'),
    );
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('no environment or file named "atlantis" (environments: keio-2019, wide-2012)');
  });

  it('exits 2 on a bad --format value or an unknown option', () => {
    expect(geostage(['validate', '--format', 'xml']).code).toBe(2);
    const { code, stderr } = geostage(['validate', '--colour']);
    expect(code).toBe(2);
    expect(stderr).toContain("Unknown option '--colour'");
    expect(stderr).toContain('run geostage validate --help');
  });

  it('validates a file outside the repository when given its path', () => {
    const folder = scratch();
    writeFileSync(join(folder, 'lab.yaml'), 'name: lab\nsites: []\n');
    const { code, stdout } = geostage(['validate', 'lab.yaml'], folder);
    expect(code).toBe(1);
    expect(stdout).toContain('lab.yaml:2:8: error schema-value: sites must have at least 1 item, has 0');
    expect(geostage(['validate'], folder).code).toBe(2);
  });
});

describe('geostage help', () => {
  it('lists the commands with --help and exits 0', () => {
    const { code, stdout } = geostage(['--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: geostage <command>/);
    expect(stdout).toMatch(/\n {2}validate +check topology files/);
  });

  it('shows a command help with --help after the command, and with help <command>', () => {
    const direct = geostage(['validate', '--help']);
    expect(direct.code).toBe(0);
    expect(direct.stdout).toMatch(/^Usage: geostage validate \[env\|file\|folder \.\.\.\]/);
    expect(geostage(['help', 'validate']).stdout).toBe(direct.stdout);
  });

  it('exits 2 with the help on stderr when no command is given', () => {
    const { code, stdout, stderr } = geostage([]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^Usage: geostage/);
  });

  it('exits 2 on an unknown command', () => {
    const { code, stderr } = geostage(['deploy']);
    expect(code).toBe(2);
    expect(stderr).toContain('geostage: unknown command "deploy"');
  });
});

describe('geostage as a Unix tool', () => {
  it.each([
    [['validate']],
    [['validate', '--format', 'json', 'keio-2019']],
    [['plan', 'keio-2019']],
    [['lab', 'status', 'keio-2019']],
    [['reach', 'keio-2019']],
    [['--help']],
  ])(
    'a reader that leaves early (geostage %j | head) changes neither the exit code nor stderr',
    async (args) => {
      const whole = geostage(args);
      const closed = await withClosedOutput(args);
      expect(closed.stderr).not.toMatch(/EPIPE|Unhandled/);
      expect(closed.code).toBe(whole.code);
    },
  );
});
