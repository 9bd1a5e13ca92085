// One lab of an environment at a time: `lab up`, `lab down` and `apply --lab` each hold a lock
// on the environment folder while they change its lab, so that a second one says who is at work
// instead of tearing down the first one's namespaces. The lock is a file made with O_EXCL that
// names its holder's pid; a holder that died leaves a stale lock, which the next taker removes.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface LabLockHolder {
  pid: number;
  /** What the holder does: `lab up`, `lab down`, `apply`. */
  what: string;
  since: string;
}

export type LabLock =
  | { ok: true; release(): Promise<void> }
  | { ok: false; holder: LabLockHolder; error: string };

/** Outside the lab folder (lab down removes that) and outside the repository (nothing to ignore). */
export function lockPath(environmentFolder: string): string {
  const hash = createHash('sha256').update(environmentFolder).digest('hex').slice(0, 16);
  return join(existsSync('/run/lock') ? '/run/lock' : tmpdir(), `geostage-lab-${hash}.lock`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function holderOf(path: string): Promise<LabLockHolder | null> {
  try {
    const holder = JSON.parse(await readFile(path, 'utf8')) as LabLockHolder;
    return Number.isInteger(holder.pid) ? holder : null;
  } catch {
    return null;
  }
}

/** Takes the lock for `what`, or says who holds it. A lock whose holder is gone is taken over. */
export async function lockLab(
  environmentFolder: string,
  environment: string,
  what: string,
): Promise<LabLock> {
  const path = lockPath(environmentFolder);
  const mine: LabLockHolder = { pid: process.pid, what, since: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      await writeFile(path, `${JSON.stringify(mine)}\n`, { flag: 'wx', mode: 0o600 });
      return {
        ok: true,
        release: async () => {
          if ((await holderOf(path))?.pid === process.pid) await unlink(path).catch(() => {});
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = await holderOf(path);
    if (holder && alive(holder.pid) && holder.pid !== process.pid)
      return {
        ok: false,
        holder,
        error: `${holder.what} of ${environment} is already running (pid ${holder.pid}, since ${holder.since}); wait for it, or interrupt it (SIGINT rolls back what it made)`,
      };
    // Stale (its holder died) or half written: take it over.
    await unlink(path).catch(() => {});
  }
  throw new Error(`${path}: could not take the lab lock`);
}
