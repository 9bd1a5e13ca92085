// Files of secrets init: written through write-file-atomic (a temporary file beside the target,
// fsynced, given its exact mode, then renamed over it), so a crash or a full disk never leaves a
// half-written key or certificate behind.
import { chmod, mkdir, readFile } from 'node:fs/promises';
import writeFileAtomic from 'write-file-atomic';

export async function readOrNull(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** `mode` is set on the temporary file before the rename, whatever the umask: 0600 stays 0600. */
export async function writeAtomic(path: string, content: string, mode: number): Promise<void> {
  await writeFileAtomic(path, content, { mode, encoding: 'utf8' });
}

/** A folder only its owner can enter, made if missing and tightened if it exists. */
export async function privateFolder(path: string): Promise<void> {
  await mkdir(path, { recursive: true, mode: 0o700 });
  await chmod(path, 0o700);
}
