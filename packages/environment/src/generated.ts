// Reading a generated folder back: the files its index.json lists (modes included), and the
// names of every file below a folder (secrets/ and public/ are read by name only).
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type FileSet, INDEX_FILE, type IndexEntry } from '@geostage/schema';

/** A generated folder as a FileSet, from its index.json (modes included); empty when not generated. */
export async function readGeneratedFolder(folder: string): Promise<FileSet> {
  let index: { files: IndexEntry[] };
  try {
    index = JSON.parse(await readFile(join(folder, INDEX_FILE), 'utf8'));
  } catch {
    return [];
  }
  return Promise.all(
    index.files.map(async (entry) => ({
      path: entry.path,
      content: await readFile(join(folder, entry.path), 'utf8'),
      mode: Number.parseInt(entry.mode, 8),
    })),
  );
}

/** Every file below a folder, as sorted relative paths with forward slashes; empty when there is no folder. */
export async function listFiles(folder: string): Promise<string[]> {
  try {
    const entries = await readdir(folder, { recursive: true, withFileTypes: true });
    return entries
      .filter((entry) => entry.isFile())
      .map((entry) =>
        join(entry.parentPath, entry.name)
          .slice(folder.length + 1)
          .split('\\')
          .join('/'),
      )
      .sort();
  } catch {
    return [];
  }
}
