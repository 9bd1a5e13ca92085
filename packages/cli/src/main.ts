#!/usr/bin/env node
// The geostage entry point: the only place that reads process.argv and sets the exit code.
import { run } from './cli.ts';
import { EXIT } from './command.ts';

const io = {
  cwd: process.cwd(),
  out: (text: string) => process.stdout.write(text),
  err: (text: string) => process.stderr.write(text),
};

try {
  process.exitCode = await run(process.argv.slice(2), io);
} catch (error) {
  process.stderr.write(
    `geostage: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = EXIT.failure;
}
