// geostage export ansible as a user runs it, in a scratch repository holding keio-2019 with its
// committed generated files and a secrets folder of this test.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = join(import.meta.dirname, '..', '..', '..');
const main = join(import.meta.dirname, 'main.ts');
let scratch = '';

function geostage(args: string[]) {
  const result = spawnSync(process.execPath, [main, ...args], { cwd: scratch, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function textsUnder(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? textsUnder(join(folder, entry.name))
      : [readFileSync(join(folder, entry.name), 'utf8')],
  );
}

beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), 'geostage-export-'));
  writeFileSync(join(scratch, 'nx.json'), '{}\n');
  for (const path of ['topology.yaml', 'generated']) {
    cpSync(join(root, 'environments', 'keio-2019', path), join(scratch, 'environments', 'keio-2019', path), {
      recursive: true,
    });
  }
});
afterEach(() => rmSync(scratch, { recursive: true, force: true }));

describe('geostage export ansible', () => {
  it('writes environments/<env>/.export/ansible, pointing at the secrets folder without copying it', () => {
    const value = 'token-value-that-must-stay-in-secrets';
    const secret = join(scratch, 'environments', 'keio-2019', 'secrets', 'kubeadm', 'bootstrap-token');
    mkdirSync(dirname(secret), { recursive: true });
    writeFileSync(secret, `${value}\n`, { mode: 0o600 });

    const first = geostage(['export', 'ansible', 'keio-2019']);
    expect(first.code, first.stderr).toBe(0);
    const output = join(scratch, 'environments', 'keio-2019', '.export', 'ansible');
    expect(first.stdout).toContain('environments/keio-2019/.export/ansible: ');
    expect(first.stdout).toContain(
      'run: ansible-playbook -i environments/keio-2019/.export/ansible/inventory.yaml environments/keio-2019/.export/ansible/playbook.yaml',
    );
    expect(readdirSync(output).sort()).toEqual([
      'files',
      'index.json',
      'inventory.yaml',
      'playbook.yaml',
      'vars',
    ]);
    expect(parse(readFileSync(join(output, 'vars', 'geostage.yaml'), 'utf8')).geostage_secrets).toBe(
      '{{ playbook_dir }}/../../secrets',
    );
    expect(parse(readFileSync(join(output, 'inventory.yaml'), 'utf8')).all.vars.geostage_known_hosts).toBe(
      '{{ inventory_dir }}/../../known_hosts',
    );
    for (const text of textsUnder(output)) expect(text).not.toContain(value);
    // The secrets still missing are named, each with how to make it.
    expect(first.stderr).toContain(
      'warning: secrets/kubeadm/certificate-key is missing; the playbook reads it when it runs: kubeadm certs certificate-key',
    );
    expect(first.stderr).not.toContain('secrets/kubeadm/bootstrap-token is missing');

    const again = geostage(['export', 'ansible', 'keio-2019']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/: 0 written, \d+ unchanged, 0 removed/);
  });

  it('reads environments/<env>/inventory.yaml, or --inventory FILE, and stops at its errors with file:line (exit 1)', () => {
    const folder = join(scratch, 'environments', 'keio-2019');
    writeFileSync(
      join(folder, 'inventory.yaml'),
      'hosts:\n  vyos01: { address: 198.51.100.7, port: 2201, user: admin }\n  node01: { jump: vyos01 }\n',
    );
    const result = geostage(['export', 'ansible', 'keio-2019']);
    expect(result.code, result.stderr).toBe(0);
    const hosts = (text: string) => {
      const found: Record<string, Record<string, unknown>> = {};
      const walk = (group: { hosts?: Record<string, Record<string, unknown> | null>; children?: object }) => {
        for (const [name, value] of Object.entries(group.hosts ?? {})) if (value) found[name] = value;
        for (const child of Object.values(group.children ?? {})) walk(child);
      };
      walk(parse(text).all);
      return found;
    };
    const exported = hosts(readFileSync(join(folder, '.export', 'ansible', 'inventory.yaml'), 'utf8'));
    expect(exported.vyos01).toMatchObject({
      ansible_host: '198.51.100.7',
      ansible_port: 2201,
      ansible_user: 'admin',
    });
    expect(exported.node01!.ansible_ssh_common_args).toContain('HostKeyAlias=vyos01');
    expect(exported.node01!.ansible_ssh_common_args).toMatch(/ 198\.51\.100\.7"$/);

    writeFileSync(join(scratch, 'other.yaml'), 'hosts:\n  vyos09: { port: 22 }\n');
    const wrong = geostage(['export', 'ansible', 'keio-2019', '--inventory', 'other.yaml']);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/^other\.yaml:2:3: error/m);
    expect(wrong.stderr).toContain('other.yaml: the inventory has errors, nothing exported');
    const missing = geostage(['export', 'ansible', 'keio-2019', '--inventory', 'nowhere.yaml']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('nowhere.yaml: no such inventory file, nothing exported');
  });

  it('refuses a folder that holds other files, and leaves it as it was (exit 1)', () => {
    const output = join(scratch, 'mine');
    mkdirSync(output);
    writeFileSync(join(output, 'site.yml'), '- hosts: all\n');
    const result = geostage(['export', 'ansible', 'keio-2019', '--output', 'mine']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'geostage export: mine holds files that are not an earlier export (site.yml)',
    );
    expect(readdirSync(output)).toEqual(['site.yml']);
  });

  it('refuses a wrong call with exit code 2', () => {
    for (const args of [
      ['export'],
      ['export', 'json', 'keio-2019'],
      ['export', 'ansible'],
      ['export', 'ansible', 'nowhere'],
    ]) {
      const result = geostage(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toContain('run geostage export --help for usage');
    }
  });

  it('is listed in geostage --help', () => {
    expect(geostage(['--help']).stdout).toMatch(
      /\n {2}export +the plan for another tool: export ansible <env>/,
    );
  });
});
