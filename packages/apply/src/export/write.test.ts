// The export's writer: a new folder, an earlier export replaced whole, anything else refused untouched.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FileSet } from '@geostage/schema';
import { afterEach, describe, expect, it } from 'vitest';
import { writeAnsibleExport } from './write.ts';

const made: string[] = [];
afterEach(() => {
  for (const folder of made.splice(0)) rmSync(folder, { recursive: true, force: true });
});
function scratch(): string {
  const folder = mkdtempSync(join(tmpdir(), 'geostage-export-'));
  made.push(folder);
  return folder;
}

const files = (playbook: string): FileSet => [
  { path: 'inventory.yaml', content: 'all: {}\n', mode: 0o644 },
  { path: 'playbook.yaml', content: playbook, mode: 0o644 },
  { path: 'files/network/a.conf', content: 'a\n', mode: 0o644 },
];

describe('writeAnsibleExport', () => {
  it('writes a new folder with its index, then replaces it whole, dropping files no longer exported', async () => {
    const folder = join(scratch(), 'out', 'ansible');
    const first = await writeAnsibleExport(folder, files('- hosts: all\n'), 'environments/x/topology.yaml');
    expect(first.ok).toBe(true);
    expect(readdirSync(folder).sort()).toEqual(['files', 'index.json', 'inventory.yaml', 'playbook.yaml']);
    const second = await writeAnsibleExport(
      folder,
      files('- hosts: routers\n').filter((file) => !file.path.startsWith('files/')),
      'environments/x/topology.yaml',
    );
    expect(second).toMatchObject({ ok: true, result: { removed: ['files/network/a.conf'] } });
    expect(readFileSync(join(folder, 'playbook.yaml'), 'utf8')).toBe('- hosts: routers\n');
    expect(readdirSync(folder).sort()).toEqual(['index.json', 'inventory.yaml', 'playbook.yaml']);
  });

  it('writes into an empty folder', async () => {
    const folder = scratch();
    expect((await writeAnsibleExport(folder, files('[]\n'), 's')).ok).toBe(true);
  });

  it('refuses a folder with other files and leaves it as it was', async () => {
    const folder = scratch();
    writeFileSync(join(folder, 'notes.txt'), 'mine\n');
    mkdirSync(join(folder, 'roles'));
    expect(await writeAnsibleExport(folder, files('[]\n'), 's')).toEqual({
      ok: false,
      kind: 'unrelated-folder',
      folder,
      entries: ['notes.txt', 'roles'],
    });
    expect(readdirSync(folder).sort()).toEqual(['notes.txt', 'roles']);
  });

  it('refuses a generated folder of another kind (its index lists no playbook)', async () => {
    const folder = scratch();
    writeFileSync(
      join(folder, 'index.json'),
      JSON.stringify({ generatedBy: 'geostage', files: [{ path: 'a' }] }),
    );
    expect((await writeAnsibleExport(folder, files('[]\n'), 's')).ok).toBe(false);
  });
});
