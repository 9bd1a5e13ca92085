// Reading a generated/network folder into memory: the only I/O before computeReachability,
// which takes the files as a map so that tests, git revisions and the site can feed it too.
// Synchronous reads: 12,000 small files of 1,000 sites took 4 s of waiting as 12,000 round trips
// through the thread pool, and a few hundred milliseconds read in a row.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/** Path relative to generated/network (forward slashes) -> file content. */
export type GeneratedFiles = ReadonlyMap<string, string>;

/** Reads every file under `dir` (environments/<env>/generated/network), sorted by path. */
export async function readGeneratedNetwork(dir: string): Promise<Map<string, string>> {
  const paths: string[] = [];
  function walk(folder: string): void {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const full = join(folder, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) paths.push(relative(dir, full).split(sep).join('/'));
    }
  }
  walk(dir);
  paths.sort();
  const files = new Map<string, string>();
  for (const path of paths) files.set(path, readFileSync(join(dir, path), 'utf8'));
  return files;
}
