// secrets init works on copies built beside the real folders and swaps them in only once every
// file is made, so a run that fails (openssl missing, a full disk, a refused CA) leaves the
// secrets and public folders as they were: no empty or half-made secrets folder.
import { randomBytes } from 'node:crypto';
import { cp, lstat, mkdir, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { SecretFolders } from './files.ts';

/** Where a run builds its copies: `.secrets.new-<pid>-<random>` beside `secrets`, the same for `public`. */
export function stagingFolders(folders: SecretFolders): SecretFolders {
  const suffix = `new-${process.pid}-${randomBytes(4).toString('hex')}`;
  const beside = (path: string) => join(dirname(path), `.${basename(path)}.${suffix}`);
  return { folder: folders.folder, secrets: beside(folders.secrets), public: beside(folders.public) };
}

/** Copies what the real folders hold into the staging ones; the private copy is 0700 from the start. */
export async function fillStaging(folders: SecretFolders, staging: SecretFolders): Promise<void> {
  await mkdir(staging.secrets, { recursive: true, mode: 0o700 });
  for (const side of ['secrets', 'public'] as const) {
    if (await exists(folders[side]))
      await cp(folders[side], staging[side], { recursive: true, preserveTimestamps: true });
  }
}

/** Puts the finished copies in place of the real folders: the private one first, then the public one. */
export async function swapIn(staging: SecretFolders, folders: SecretFolders): Promise<void> {
  for (const side of ['secrets', 'public'] as const) {
    if (!(await exists(staging[side]))) continue;
    const retired = staging[side].replace(/\.new-(?=[^/]*$)/, '.old-');
    const present = await exists(folders[side]);
    if (present) await rename(folders[side], retired);
    try {
      await rename(staging[side], folders[side]);
    } catch (error) {
      if (present) await rename(retired, folders[side]);
      throw error;
    }
    if (present) await rm(retired, { recursive: true, force: true });
  }
}

/**
 * Finishes or undoes the swap of a run killed between its two renames (the folder missing, its
 * retired copy beside it: the staging copy of the same run was complete, so it goes in; without
 * one the retired copy goes back), then deletes the dot folders of runs that are gone. The same
 * recovery as @geostage/environment's generated folders, which this package may not import.
 */
export async function recoverStaging(folders: SecretFolders): Promise<void> {
  for (const side of ['secrets', 'public'] as const) {
    const leftovers = await deadLeftovers(folders[side]);
    const retired = leftovers.find((leftover) => leftover.kind === 'old');
    let moved: string | undefined;
    if (retired && !(await exists(folders[side]))) {
      const staged = leftovers.find((leftover) => leftover.kind === 'new' && leftover.run === retired.run);
      moved = (staged ?? retired).path;
      await rename(moved, folders[side]);
    }
    for (const leftover of leftovers)
      if (leftover.path !== moved) await rm(leftover.path, { recursive: true, force: true });
  }
}

interface Leftover {
  path: string;
  kind: 'new' | 'old';
  /** `<pid>-<random>`: the run that made it. */
  run: string;
}

/** The `.<name>.new-*` and `.<name>.old-*` folders beside `folder` whose run is no longer alive. */
async function deadLeftovers(folder: string): Promise<Leftover[]> {
  const prefix = `.${basename(folder)}.`;
  const entries = await readdir(dirname(folder)).catch(() => [] as string[]);
  const leftovers: Leftover[] = [];
  for (const entry of entries.sort()) {
    const match = entry.startsWith(prefix)
      ? /^(new|old)-(\d+)-([0-9a-f]+)$/.exec(entry.slice(prefix.length))
      : null;
    if (!match || alive(Number(match[2]))) continue;
    leftovers.push({
      path: join(dirname(folder), entry),
      kind: match[1] as Leftover['kind'],
      run: `${match[2]}-${match[3]}`,
    });
  }
  return leftovers;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function removeStaging(staging: SecretFolders): Promise<void> {
  await rm(staging.secrets, { recursive: true, force: true });
  await rm(staging.public, { recursive: true, force: true });
}

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}
