// Reading a generated/network folder into memory: the only I/O before computeReachability,
// which takes the files as a map so that tests, git revisions and the site can feed it too.
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

/** Path relative to generated/network (forward slashes) -> file content. */
export type GeneratedFiles = ReadonlyMap<string, string>;

/** Reads every file under `dir` (environments/<env>/generated/network), sorted by path. */
export async function readGeneratedNetwork(dir: string): Promise<Map<string, string>> {
  const paths: string[] = [];
  async function walk(folder: string): Promise<void> {
    for (const entry of await readdir(folder, { withFileTypes: true })) {
      const full = join(folder, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile()) paths.push(relative(dir, full).split(sep).join('/'));
    }
  }
  await walk(dir);
  paths.sort();
  const files = new Map<string, string>();
  for (const path of paths) files.set(path, await readFile(join(dir, path), 'utf8'));
  return files;
}
