// The geostage command line: finds the command, parses its options with node:util parseArgs,
// runs it and returns the exit code. Only the entry point (main.ts) touches the process.
import { parseArgs } from 'node:util';
import { type Command, EXIT, type Io, UsageError } from './command.ts';
import { COMMANDS } from './commands/index.ts';

export function globalHelp(commands: readonly Command[] = COMMANDS): string {
  const width = Math.max(...commands.map((command) => command.name.length), 4);
  const lines = commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`);
  return `Usage: geostage <command> [options]

Turns one topology file into a staging environment: sites joined by OpenVPN tunnels, one
Kubernetes cluster across them, P2P applications on top.

Commands:
${lines.join('\n')}
  ${'help'.padEnd(width)}  show help for a command: geostage help <command>

Options:
  -h, --help   show this help (or a command's help after the command name)

Exit codes: 0 ok, 1 invalid input or failed check, 2 usage error, 3 execution failure (a host,
a tool or the file system failed; the cause is printed).`;
}

export async function run(
  argv: readonly string[],
  io: Io,
  commands: readonly Command[] = COMMANDS,
): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) {
    io.err(`${globalHelp(commands)}\n`);
    return EXIT.usage;
  }
  if (first === '--help' || first === '-h') {
    io.out(`${globalHelp(commands)}\n`);
    return EXIT.ok;
  }
  if (first === 'help') {
    const topic = rest[0];
    if (topic === undefined) {
      io.out(`${globalHelp(commands)}\n`);
      return EXIT.ok;
    }
    const command = commands.find((c) => c.name === topic);
    if (!command) return usage(io, `unknown command "${topic}"`, 'geostage --help');
    io.out(`${command.help}\n`);
    return EXIT.ok;
  }
  const command = commands.find((c) => c.name === first);
  if (!command) {
    const what = first.startsWith('-') ? `unknown option "${first}"` : `unknown command "${first}"`;
    return usage(io, what, 'geostage --help');
  }

  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...rest],
      options: { ...command.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    return usage(io, `${command.name}: ${(error as Error).message}`, `geostage ${command.name} --help`);
  }
  if (parsed.values.help) {
    io.out(`${command.help}\n`);
    return EXIT.ok;
  }
  try {
    return await command.run({ values: parsed.values, positionals: parsed.positionals, io });
  } catch (error) {
    if (error instanceof UsageError)
      return usage(io, `${command.name}: ${error.message}`, `geostage ${command.name} --help`);
    io.err(`geostage: ${command.name}: ${describeFailure(error)}\n`);
    return EXIT.failure;
  }
}

/**
 * A failure while executing: a system error (EACCES, EROFS, ENOSPC on a path) is its message, which
 * names the cause and the path; anything else is a bug, shown with its stack.
 */
export function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as NodeJS.ErrnoException).code;
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return error.message;
  return error.stack ?? error.message;
}

function usage(io: Io, message: string, helpCommand: string): number {
  io.err(`geostage: ${message}\n  run ${helpCommand} for usage\n`);
  return EXIT.usage;
}
