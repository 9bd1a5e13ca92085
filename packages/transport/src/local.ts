// Commands on this machine: one run (execFile, the command's own words in the error) and one
// poll (waitFor), which every other way of running something builds on.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const execute = promisify(execFile);

/** Runs `command` with `args` (no shell); its stdout, or an Error naming the command and its stderr. */
export async function run(command: string, args: readonly string[]): Promise<string> {
  try {
    return (await execute(command, args, { encoding: 'utf8', maxBuffer: 1 << 22 })).stdout;
  } catch (error) {
    const failure = error as { stderr?: string; message: string };
    throw new Error(`${command} ${args.join(' ')}: ${failure.stderr?.trim() || failure.message}`);
  }
}

/** Polls `check` until it returns a value other than null, or fails after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  timeoutMs: number,
  check: () => Promise<T | null>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown = null;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== null) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((done) => setTimeout(done, 200));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}
