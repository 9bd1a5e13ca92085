// The folder swap's dot folders and how to recover from a run killed among them: a crash between
// the two renames leaves the output missing, with the old copy and a complete new one beside it.
import { readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export interface SwapNames {
  /** Where the new output is built; complete once the swap's first rename has happened. */
  staging: string;
  /** Where the previous output waits between the two renames, until it is deleted. */
  retired: string;
}

/** The dot folders beside `folder` of one run, told apart by `suffix` (`<pid>-<random>`). */
export function swapNames(folder: string, suffix: string): SwapNames {
  const parent = dirname(folder);
  return {
    staging: join(parent, `.${basename(folder)}.new-${suffix}`),
    retired: join(parent, `.${basename(folder)}.old-${suffix}`),
  };
}

interface Leftover {
  path: string;
  kind: 'new' | 'old';
  suffix: string;
}

/**
 * Finishes or undoes a swap that a killed run left half-done, then deletes the dot folders of
 * runs that are gone. The folder missing with a retired copy beside it means the run died between
 * the renames: its staging folder was complete, so it goes in; without one the old copy goes back.
 * Returns warnings for dot folders that could not be deleted; a rename that fails throws.
 */
export async function recoverSwap(folder: string): Promise<string[]> {
  const leftovers = await findLeftovers(folder);
  if (leftovers.length === 0) return [];
  const present = await stat(folder).then(
    () => true,
    () => false,
  );
  const moved = new Set<string>();
  const retired = leftovers.find((leftover) => leftover.kind === 'old');
  if (!present && retired) {
    const staged = leftovers.find(
      (leftover) => leftover.kind === 'new' && leftover.suffix === retired.suffix,
    );
    const restore = staged ?? retired;
    await rename(restore.path, folder);
    moved.add(restore.path);
  }
  const warnings: string[] = [];
  for (const leftover of leftovers) {
    if (moved.has(leftover.path)) continue;
    await rm(leftover.path, { recursive: true, force: true }).catch((error: Error) =>
      warnings.push(`${leftover.path}, left by an interrupted run, could not be removed (${error.message})`),
    );
  }
  return warnings;
}

/** The dot folders beside `folder` whose run (the pid in their suffix) is no longer alive. */
async function findLeftovers(folder: string): Promise<Leftover[]> {
  const name = basename(folder);
  let entries: string[];
  try {
    entries = await readdir(dirname(folder));
  } catch {
    return [];
  }
  const leftovers: Leftover[] = [];
  for (const entry of entries.sort()) {
    const prefix = `.${name}.`;
    if (!entry.startsWith(prefix)) continue;
    const match = /^(new|old)-(\d+)-([0-9a-f]+)$/.exec(entry.slice(prefix.length));
    if (!match || alive(Number(match[2]))) continue;
    leftovers.push({
      path: join(dirname(folder), entry),
      kind: match[1] as Leftover['kind'],
      suffix: `${match[2]}-${match[3]}`,
    });
  }
  return leftovers;
}

/** Whether a process with this id runs (this one included: its own swap is not a leftover). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
