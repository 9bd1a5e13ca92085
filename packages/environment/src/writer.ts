// Writes generated files into a folder atomically: a fresh folder is built beside the target and
// swapped in whole, so a failed run leaves the previous output untouched, and a run killed
// mid-swap is finished or undone by the next one. Unchanged files are hard-linked from the old
// folder, not rewritten, so their timestamps stay. The files come one at a time (a FileStream's,
// or a FileSet's), and none is kept once it is staged.
// The thousands of small reads, links and writes use the synchronous calls: one round trip
// through libuv's thread pool per call cost more than the calls themselves (a 1,000-site
// environment, 12,000 files, spent 3.6 of its 8 s waiting on them).
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { lstat, rename, rm } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { type GeneratedFile, INDEX_FILE, type IndexEntry, indexEntry, indexText } from '@geostage/schema';
import { makeFolder } from './folder.ts';
import { recoverSwap, swapNames } from './swap.ts';

export type Drift = { path: string; status: 'changed' | 'missing' | 'extra' };

export interface WriteResult {
  /** The generated files, not counting index.json. */
  files: number;
  written: string[];
  unchanged: string[];
  removed: string[];
  /**
   * What went wrong after the new output was in place, or while cleaning up after an earlier
   * interrupted run (a previous folder that could not be deleted): the write itself succeeded.
   */
  warnings: string[];
}

export interface WriteOptions {
  /** Called between the two renames of the swap, where a crash is hardest to recover from (tests). */
  betweenRenames?: () => void;
}

function listFiles(folder: string): string[] {
  const out: string[] = [];
  function walk(current: string): void {
    let entries: import('node:fs').Dirent[];
    try {
      entries = readdirSync(current, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const full = join(current, entry.name);
      if (entry.isDirectory()) walk(full);
      else out.push(relative(folder, full).split(sep).join('/'));
    }
  }
  walk(folder);
  return out.sort();
}

function readOrNull(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** Each file, then index.json made from them all: what the check and the write go through. */
function* withIndex(files: Iterable<GeneratedFile>, source: string): Generator<GeneratedFile> {
  const entries: IndexEntry[] = [];
  for (const file of files) {
    entries.push(indexEntry(file));
    yield file;
  }
  yield { path: INDEX_FILE, content: indexText(entries, source), mode: 0o644 };
}

/**
 * A folder as it is on disk, for comparing the wanted files with one at a time: `status` reads
 * a file's counterpart, and what no file asked for is `extra` afterwards.
 */
function onDisk(folder: string) {
  const present = new Set(listFiles(folder));
  return {
    status(file: GeneratedFile): 'same' | 'missing' | 'changed' {
      const current = present.has(file.path) ? readOrNull(join(folder, file.path)) : null;
      present.delete(file.path);
      return current === null ? 'missing' : current === file.content ? 'same' : 'changed';
    },
    extra: () => [...present],
  };
}

/**
 * Compares generated files (plus their index) with a folder on disk. Empty when they agree.
 * The files are read one at a time and not kept.
 */
export async function checkFileSet(
  folder: string,
  files: Iterable<GeneratedFile>,
  source: string,
): Promise<Drift[]> {
  const disk = onDisk(folder);
  const drift: Drift[] = [];
  for (const file of withIndex(files, source)) {
    const status = disk.status(file);
    if (status !== 'same') drift.push({ path: file.path, status });
  }
  for (const extra of disk.extra()) drift.push({ path: extra, status: 'extra' });
  return drift.sort((a, b) => (a.path < b.path ? -1 : 1));
}

/**
 * Writes generated files (plus their index) to `folder`, or throws the file system's own error
 * (EACCES, EROFS, ENOSPC with its path) and leaves the previous output as it was. The files are
 * consumed one at a time: each is compared with the one on disk and staged (written, or
 * hard-linked when unchanged) before the next is made, so only paths stay in memory.
 */
export async function writeFileSet(
  folder: string,
  files: Iterable<GeneratedFile>,
  source: string,
  options: WriteOptions = {},
): Promise<WriteResult> {
  const warnings = await recoverSwap(folder);
  const exists = await lstat(folder).then(
    () => true,
    () => false,
  );
  // Made one level at a time, so that a read-only parent reports EROFS or EACCES on its own path.
  if (!exists) await makeFolder(dirname(folder));
  const disk = onDisk(folder);
  const written: string[] = [];
  const unchanged: { path: string; mode: number }[] = [];
  const { staging, retired } = swapNames(folder, `${process.pid}-${randomBytes(4).toString('hex')}`);
  // Made at the first file that differs; the unchanged ones before it are linked in then.
  let stager: Stager | null = null;
  const begin = (): Stager => {
    const made = stagerOf(staging, folder);
    for (const file of unchanged) made.link(file.path, file.mode);
    return made;
  };
  let removed: string[];
  try {
    for (const file of withIndex(files, source)) {
      if (disk.status(file) === 'same') {
        unchanged.push({ path: file.path, mode: file.mode });
        stager?.link(file.path, file.mode);
      } else {
        written.push(file.path);
        stager ??= begin();
        stager.write(file);
      }
    }
    removed = disk.extra();
    if (removed.length > 0) stager ??= begin();
  } catch (error) {
    if (stager) rmSync(staging, { recursive: true, force: true });
    throw error;
  }
  const result: WriteResult = {
    // Not counting index.json, which is one of them.
    files: written.length + unchanged.length - 1,
    written: written.sort(),
    unchanged: unchanged.map((file) => file.path).sort(),
    removed: removed.sort(),
    warnings,
  };
  if (!stager) return result;

  try {
    if (exists) await rename(folder, retired);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
  options.betweenRenames?.();
  try {
    await rename(staging, folder);
  } catch (error) {
    // Put the previous output back, so that the failure leaves things as they were.
    if (exists) await rename(retired, folder);
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
  // The new output is in place: a previous folder that cannot be deleted is a warning, not a failure.
  if (exists)
    await rm(retired, { recursive: true, force: true }).catch((error: Error) =>
      warnings.push(`the previous output could not be removed (${error.message}); the next run tries again`),
    );
  return result;
}

interface Stager {
  /** Hard-links an unchanged file from the old folder (copies it where links are not possible). */
  link(path: string, mode: number): void;
  write(file: GeneratedFile): void;
}

/** Makes the staging folder; what it is given goes into it, parents made as needed. */
function stagerOf(staging: string, folder: string): Stager {
  mkdirSync(staging);
  // Read once per write; process.umask(mask) would change it, reading it does not.
  const umask = process.umask();
  const made = new Set<string>([staging]);
  const target = (path: string) => {
    const full = join(staging, path);
    const parent = dirname(full);
    if (!made.has(parent)) {
      mkdirSync(parent, { recursive: true });
      made.add(parent);
    }
    return full;
  };
  return {
    link(path, mode) {
      const full = target(path);
      try {
        linkSync(join(folder, path), full);
      } catch {
        // A file system without hard links: copy the bytes instead.
        copyFileSync(join(folder, path), full);
      }
      chmodSync(full, mode);
    },
    write(file) {
      const full = target(file.path);
      writeFileSync(full, file.content, { mode: file.mode });
      // The mode given to writeFileSync is reduced by the umask: set it as it is meant, where
      // the umask took something (a system call per file saved at 120,000 files otherwise).
      if ((file.mode & umask) !== 0) chmodSync(full, file.mode);
    },
  };
}
