import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FileSet } from '@geostage/schema';
import { describe, expect, it } from 'vitest';
import { checkFileSet, writeFileSet } from './writer.ts';

const files: FileSet = [
  { path: 'routers/a/config.set', content: 'set system host-name a\n', mode: 0o644 },
  { path: 'servers/b/netplan.yaml', content: 'network: {}\n', mode: 0o600 },
];

describe('writeFileSet', () => {
  it('writes every file and an index with SHA-256 and mode', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'geostage-writer-'));
    const folder = join(parent, 'network');
    await writeFileSet(folder, files, 'topology.yaml');
    const index = JSON.parse(readFileSync(join(folder, 'index.json'), 'utf8'));
    expect(index.files.map((entry: { path: string; mode: string }) => [entry.path, entry.mode])).toEqual([
      ['routers/a/config.set', '0644'],
      ['servers/b/netplan.yaml', '0600'],
    ]);
    expect(index.files[0].sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(await checkFileSet(folder, files, 'topology.yaml')).toEqual([]);
  });

  it('leaves the previous output untouched and no staging folder behind when a write fails', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'geostage-writer-'));
    const folder = join(parent, 'network');
    await writeFileSet(folder, files, 'topology.yaml');
    // A file and a folder of the same name cannot both be written: the run fails half-way.
    const impossible: FileSet = [
      { path: 'routers/a', content: 'a file where a folder must be\n', mode: 0o644 },
      { path: 'routers/a/config.set', content: 'changed\n', mode: 0o644 },
    ];
    await expect(writeFileSet(folder, impossible, 'topology.yaml')).rejects.toThrow();
    expect(readFileSync(join(folder, 'routers/a/config.set'), 'utf8')).toBe('set system host-name a\n');
    expect(readdirSync(parent)).toEqual(['network']);
  });
});
