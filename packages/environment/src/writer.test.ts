import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FileSet, GeneratedFile } from '@geostage/schema';
import { afterEach, describe, expect, it } from 'vitest';
import { swapNames } from './swap.ts';
import { checkFileSet, writeFileSet } from './writer.ts';

const files: FileSet = [
  { path: 'routers/a/config.set', content: 'set system host-name a\n', mode: 0o644 },
  { path: 'servers/b/netplan.yaml', content: 'network: {}\n', mode: 0o600 },
];
const changed: FileSet = [{ ...files[0]!, content: 'set system host-name changed\n' }, files[1]!];
const writer = join(import.meta.dirname, 'writer.ts');

const made: string[] = [];
afterEach(() => {
  for (const folder of made.splice(0)) {
    spawnSync('chmod', ['-R', 'u+rwX', folder]);
    rmSync(folder, { recursive: true, force: true });
  }
});

function scratch(): string {
  const parent = mkdtempSync(join(tmpdir(), 'geostage-writer-'));
  made.push(parent);
  return parent;
}

/**
 * Runs writeFileSet(folder, files) in a child Node (ES module body `script`, which sees `folder`,
 * `files` and `writeFileSet`), so that a test can kill it mid-write or run it as another user.
 */
function inChild(
  script: string,
  folder: string,
  fileSet: FileSet,
  options: { uid?: number; wrap?: string[] } = {},
) {
  const code = `import { writeFileSet } from ${JSON.stringify(writer)};
const { folder, files } = JSON.parse(process.env.WRITER_INPUT);
${script}`;
  const command = [...(options.wrap ?? []), process.execPath, '--input-type=module', '-e', code];
  return spawnSync(command[0]!, command.slice(1), {
    encoding: 'utf8',
    env: { ...process.env, WRITER_INPUT: JSON.stringify({ folder, files: fileSet }) },
    ...(options.uid === undefined ? {} : { uid: options.uid, gid: options.uid }),
  });
}

const root = process.getuid?.() === 0;
const NOBODY = 65534;
const unshare = spawnSync('unshare', ['--map-root-user', '--mount', 'true']).status === 0;

describe('writeFileSet', () => {
  it('writes every file and an index with SHA-256 and mode', async () => {
    const folder = join(scratch(), 'network');
    const result = await writeFileSet(folder, files, 'topology.yaml');
    const index = JSON.parse(readFileSync(join(folder, 'index.json'), 'utf8'));
    expect(index.files.map((entry: { path: string; mode: string }) => [entry.path, entry.mode])).toEqual([
      ['routers/a/config.set', '0644'],
      ['servers/b/netplan.yaml', '0600'],
    ]);
    expect(index.files[0].sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(await checkFileSet(folder, files, 'topology.yaml')).toEqual([]);
    expect(result.warnings).toEqual([]);
  });

  it('leaves the previous output untouched and no staging folder behind when a write fails', async () => {
    const parent = scratch();
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

describe('writeFileSet with files made as they are read (a FileStream)', () => {
  function* made(set: FileSet, failAt = -1): Generator<GeneratedFile> {
    for (const [index, file] of set.entries()) {
      if (index === failAt) throw new Error('the generator failed half-way');
      yield file;
    }
  }
  const many: FileSet = Array.from({ length: 6 }, (_, index) => ({
    path: `servers/s${index}/netplan.yaml`,
    content: `network: {} # ${index}\n`,
    mode: 0o600,
  }));

  it('keeps the files before the first change as hard links and writes the changed one', async () => {
    const folder = join(scratch(), 'network');
    await writeFileSet(folder, made(many), 'topology.yaml');
    const before = statSync(join(folder, 'servers/s0/netplan.yaml')).ino;
    const next = many.map((file, index) =>
      index === 4 ? { ...file, content: 'network: {} # new\n' } : file,
    );
    const result = await writeFileSet(folder, made(next), 'topology.yaml');
    expect(result.written).toEqual(['index.json', 'servers/s4/netplan.yaml']);
    expect(result.unchanged).toHaveLength(5);
    expect(result.files).toBe(6);
    expect(statSync(join(folder, 'servers/s0/netplan.yaml')).ino).toBe(before);
    expect(statSync(join(folder, 'servers/s5/netplan.yaml')).mode & 0o777).toBe(0o600);
    expect(await checkFileSet(folder, next, 'topology.yaml')).toEqual([]);
  });

  it('removes a file the generator no longer makes, though every file it makes is unchanged', async () => {
    const folder = join(scratch(), 'network');
    await writeFileSet(folder, made(many), 'topology.yaml');
    const fewer = many.slice(0, 5);
    // The index changes too (one entry fewer); the check compares with a fresh one.
    const result = await writeFileSet(folder, made(fewer), 'topology.yaml');
    expect(result.removed).toEqual(['servers/s5/netplan.yaml']);
    expect(await checkFileSet(folder, made(fewer), 'topology.yaml')).toEqual([]);
  });

  it('leaves the previous output and no staging folder when the generator throws half-way', async () => {
    const parent = scratch();
    const folder = join(parent, 'network');
    await writeFileSet(folder, made(many), 'topology.yaml');
    const next = many.map((file) => ({ ...file, content: 'changed\n' }));
    await expect(writeFileSet(folder, made(next, 3), 'topology.yaml')).rejects.toThrow(/half-way/);
    expect(readFileSync(join(folder, 'servers/s0/netplan.yaml'), 'utf8')).toBe('network: {} # 0\n');
    expect(readdirSync(parent)).toEqual(['network']);
    expect(await checkFileSet(folder, many, 'topology.yaml')).toEqual([]);
  });
});

describe('a folder swap interrupted by a crash', () => {
  it('is finished by the next run when the writer is killed between the two renames', async () => {
    const parent = scratch();
    const folder = join(parent, 'network');
    await writeFileSet(folder, files, 'topology.yaml');
    const killed = inChild(
      `await writeFileSet(folder, files, 'topology.yaml', { betweenRenames: () => process.kill(process.pid, 'SIGKILL') });`,
      folder,
      changed,
    );
    expect(killed.signal).toBe('SIGKILL');
    // What the crash leaves: no output, the old copy and the new one in dot folders.
    expect(readdirSync(parent).map((entry) => entry.replace(/-\d+-[0-9a-f]+$/, ''))).toEqual([
      '.network.new',
      '.network.old',
    ]);
    const result = await writeFileSet(folder, changed, 'topology.yaml');
    expect(readdirSync(parent)).toEqual(['network']);
    expect(await checkFileSet(folder, changed, 'topology.yaml')).toEqual([]);
    expect(result.written).toEqual([]);
  });

  it('is undone when only the retired copy survived, and stray staging folders are removed', async () => {
    const parent = scratch();
    const folder = join(parent, 'network');
    await writeFileSet(folder, files, 'topology.yaml');
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    const { staging, retired } = swapNames(folder, `${dead}-0badc0de`);
    mkdirSync(join(parent, `.network.new-${dead}-feedface`));
    writeFileSync(join(parent, `.network.new-${dead}-feedface`, 'half'), 'half-written\n');
    spawnSync('mv', [folder, retired]);
    expect(readdirSync(parent)).not.toContain(staging);
    const result = await writeFileSet(folder, files, 'topology.yaml');
    expect(result.written).toEqual([]);
    expect(readdirSync(parent)).toEqual(['network']);
    expect(await checkFileSet(folder, files, 'topology.yaml')).toEqual([]);
  });
});

describe('a write the file system refuses', () => {
  it.skipIf(!unshare)('reports EROFS on the read-only path, not ENOENT, and changes nothing', () => {
    const parent = scratch();
    const readOnly = join(parent, 'environments');
    mkdirSync(readOnly);
    const folder = join(readOnly, 'keio-2019', 'generated', 'network');
    const mount = `mount --bind ${readOnly} ${readOnly} && mount -o remount,bind,ro ${readOnly} && exec "$@"`;
    const child = inChild(
      `try { await writeFileSet(folder, files, 'topology.yaml'); } catch (error) { console.log(JSON.stringify({ code: error.code, message: error.message })); }`,
      folder,
      files,
      { wrap: ['unshare', '--map-root-user', '--mount', 'sh', '-c', mount, 'sh'] },
    );
    const reported = JSON.parse(child.stdout);
    expect(reported.code).toBe('EROFS');
    expect(reported.message).toContain(join(readOnly, 'keio-2019'));
    expect(readdirSync(readOnly)).toEqual([]);
  });

  it('reports EACCES with the path when the folder is not writable', () => {
    const parent = scratch();
    const locked = join(parent, 'generated');
    mkdirSync(locked, { mode: 0o555 });
    chmodSync(locked, 0o555);
    chmodSync(parent, 0o755);
    const child = inChild(
      `try { await writeFileSet(folder, files, 'topology.yaml'); } catch (error) { console.log(JSON.stringify({ code: error.code, message: error.message })); }`,
      join(locked, 'network'),
      files,
      root ? { uid: NOBODY } : {},
    );
    const reported = JSON.parse(child.stdout);
    expect(reported.code).toBe('EACCES');
    expect(reported.message).toContain(locked);
    expect(readdirSync(locked)).toEqual([]);
  });

  it('an old file that cannot be deleted is a warning once the new output is in place', async () => {
    const parent = scratch();
    const folder = join(parent, 'network');
    await writeFileSet(folder, files, 'topology.yaml');
    const stuck = join(folder, 'routers', 'a');
    if (root) {
      // The writer runs as nobody and owns everything but routers/a, whose file it cannot delete.
      for (const path of [
        parent,
        folder,
        join(folder, 'routers'),
        join(folder, 'servers'),
        join(folder, 'servers/b'),
      ])
        chownSync(path, NOBODY, NOBODY);
      for (const file of ['index.json', 'servers/b/netplan.yaml'])
        chownSync(join(folder, file), NOBODY, NOBODY);
    } else chmodSync(stuck, 0o555);
    const child = inChild(
      `const result = await writeFileSet(folder, files, 'topology.yaml'); console.log(JSON.stringify(result.warnings));`,
      folder,
      changed,
      root ? { uid: NOBODY } : {},
    );
    expect(child.status).toBe(0);
    const warnings = JSON.parse(child.stdout) as string[];
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^the previous output could not be removed \(EACCES: .*\); the next run tries again$/,
    );
    expect(readFileSync(join(folder, 'routers/a/config.set'), 'utf8')).toBe('set system host-name changed\n');
  });
});
