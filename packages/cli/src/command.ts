// What a command is: a name, its help, its options for node:util parseArgs, and a run function
// that returns an exit code. A new command is one file in commands/ plus a line in commands/index.ts.
import type { ParseArgsOptionsConfig } from 'node:util';

/** Exit codes of every geostage command (DESIGN.md, Contracts). */
export const EXIT = {
  ok: 0,
  /** Invalid input or a failed check. */
  invalid: 1,
  usage: 2,
  /** Something failed while executing (a host, a tool). */
  failure: 3,
} as const;

export interface Io {
  /** The folder relative paths are resolved against and shown relative to. */
  cwd: string;
  out(text: string): void;
  err(text: string): void;
  /** stderr is a terminal: long work may show a progress line there, rewritten in place. */
  progress?: boolean;
}

export interface CommandInput {
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
  io: Io;
}

export interface Command {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** The full `--help` text. */
  help: string;
  /** Options besides --help, which every command has. */
  options: ParseArgsOptionsConfig;
  run(input: CommandInput): Promise<number>;
}

/** A mistake in how the command was called: printed with a pointer to --help, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/**
 * A whole-number option of at least `minimum` (default 1), or a UsageError naming it:
 * `--<name> must be <must>, not "<value>"`.
 */
export function positiveInteger(
  values: CommandInput['values'],
  name: string,
  options: { minimum?: number; must?: string } = {},
): number {
  const value = Number(values[name]);
  if (!Number.isInteger(value) || value < (options.minimum ?? 1))
    throw new UsageError(
      `--${name} must be ${options.must ?? 'a positive whole number'}, not "${String(values[name])}"`,
    );
  return value;
}
