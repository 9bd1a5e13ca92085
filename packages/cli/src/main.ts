#!/usr/bin/env node
// The geostage entry point: the only place that reads process.argv and sets the exit code.
import { enableCompileCache } from 'node:module';

// Node caches the compiled (type-stripped) modules on disk, in its own folder under the system's
// temporary folder (or NODE_COMPILE_CACHE): every run after the first starts about twice as fast.
// The modules are imported after this line, so that they are compiled through the cache.
enableCompileCache();
const { run } = await import('./cli.ts');
const { EXIT } = await import('./command.ts');
const { streamOutput } = await import('./output.ts');

const stdout = streamOutput(process.stdout);
const stderr = streamOutput(process.stderr);
const io = {
  cwd: process.cwd(),
  out: stdout.write,
  err: stderr.write,
  progress: process.stderr.isTTY === true,
};

try {
  process.exitCode = await run(process.argv.slice(2), io);
} catch (error) {
  stderr.write(`geostage: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = EXIT.failure;
}
// Output lost for a reason other than a reader that left (a full disk behind `> file`) is a failure.
process.on('beforeExit', () => {
  if (stdout.failure() && process.exitCode === EXIT.ok) process.exitCode = EXIT.failure;
});
