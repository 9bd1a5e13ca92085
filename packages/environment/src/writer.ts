// Writes a FileSet into a folder atomically: a fresh folder is built beside the target and
// swapped in whole, so a failed run leaves the previous output untouched. Unchanged files are
// hard-linked from the old folder, not rewritten, so their timestamps stay.
import { randomBytes } from 'node:crypto';
import { chmod, link, lstat, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';
import { type FileSet, INDEX_FILE, indexOf, sortFileSet } from '@geostage/schema';

export type Drift = { path: string; status: 'changed' | 'missing' | 'extra' };

export interface WriteResult {
  written: string[];
  unchanged: string[];
  removed: string[];
}

async function listFiles(folder: string): Promise<string[]> {
  const out: string[] = [];
  async function walk(current: string): Promise<void> {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await readdir(current, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const full = join(current, entry.name);
      if (entry.isDirectory()) await walk(full);
      else out.push(relative(folder, full).split(sep).join('/'));
    }
  }
  await walk(folder);
  return out.sort();
}

async function readOrNull(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return null;
  }
}

function withIndex(files: FileSet, source: string): FileSet {
  return sortFileSet([...files, { path: INDEX_FILE, content: indexOf(files, source), mode: 0o644 }]);
}

/** Compares a FileSet (plus its index) with a folder on disk. Empty when they agree. */
export async function checkFileSet(folder: string, files: FileSet, source: string): Promise<Drift[]> {
  const wanted = withIndex(files, source);
  const present = new Set(await listFiles(folder));
  const drift: Drift[] = [];
  for (const file of wanted) {
    const current = present.has(file.path) ? await readOrNull(join(folder, file.path)) : null;
    if (current === null) drift.push({ path: file.path, status: 'missing' });
    else if (current !== file.content) drift.push({ path: file.path, status: 'changed' });
    present.delete(file.path);
  }
  for (const extra of present) drift.push({ path: extra, status: 'extra' });
  return drift.sort((a, b) => (a.path < b.path ? -1 : 1));
}

export async function writeFileSet(folder: string, files: FileSet, source: string): Promise<WriteResult> {
  const wanted = withIndex(files, source);
  const drift = await checkFileSet(folder, files, source);
  const changed = new Set(drift.map((entry) => entry.path));
  const result: WriteResult = {
    written: drift.filter((d) => d.status !== 'extra').map((d) => d.path),
    unchanged: wanted.map((f) => f.path).filter((path) => !changed.has(path)),
    removed: drift.filter((d) => d.status === 'extra').map((d) => d.path),
  };
  if (drift.length === 0) return result;

  const suffix = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const staging = join(dirname(folder), `.${basename(folder)}.new-${suffix}`);
  const retired = join(dirname(folder), `.${basename(folder)}.old-${suffix}`);
  await mkdir(staging, { recursive: true });
  try {
    for (const file of wanted) {
      const target = join(staging, file.path);
      await mkdir(dirname(target), { recursive: true });
      if (!changed.has(file.path)) {
        try {
          await link(join(folder, file.path), target);
          await chmod(target, file.mode);
          continue;
        } catch {
          // A file system without hard links: write the bytes instead.
        }
      }
      await writeFile(target, file.content, { mode: file.mode });
      await chmod(target, file.mode);
    }
    const exists = await lstat(folder).then(
      () => true,
      () => false,
    );
    if (exists) await rename(folder, retired);
    await mkdir(dirname(folder), { recursive: true });
    await rename(staging, folder);
    if (exists) await rm(retired, { recursive: true, force: true });
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
  return result;
}
