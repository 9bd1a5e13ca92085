// Every exit code a command can return is in its help: the ones its file returns (EXIT.<name>),
// 2 for a usage error, and 3 for a failure while executing, which cli.ts returns for any command.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from './cli.ts';
import { type Command, EXIT, type Io } from './command.ts';
import { COMMANDS } from './commands/index.ts';

/** The codes named in a help's "Exit codes:" paragraph. */
function documented(help: string): number[] {
  const paragraph = help.slice(help.indexOf('Exit codes:'));
  return [...paragraph.matchAll(/(?:^|[:,]\s)(\d) /gm)].map((match) => Number(match[1]));
}

function returned(command: Command): number[] {
  const source = readFileSync(join(import.meta.dirname, 'commands', `${command.name}.ts`), 'utf8');
  const names = [...source.matchAll(/EXIT\.(\w+)/g)].map((match) => match[1] as keyof typeof EXIT);
  return [...new Set([...names.map((name) => EXIT[name]), EXIT.usage, EXIT.failure])].sort();
}

function recording(): Io & { text: () => string } {
  let text = '';
  return { cwd: '/', out: (t) => (text += t), err: (t) => (text += t), text: () => text };
}

describe('exit codes', () => {
  it.each(COMMANDS.map((command) => [command.name, command] as const))(
    'geostage %s --help lists every code the command can return',
    (_name, command) => {
      expect(command.help).toContain('Exit codes:');
      for (const code of returned(command)) expect(documented(command.help)).toContain(code);
    },
  );

  it('a file system error while a command runs is exit code 3 with its cause and path, no stack', async () => {
    const failing: Command = {
      name: 'write',
      summary: '',
      help: '',
      options: {},
      run: async () => {
        throw Object.assign(new Error("EROFS: read-only file system, mkdir '/ro/generated'"), {
          code: 'EROFS',
        });
      },
    };
    const io = recording();
    expect(await run(['write'], io, [failing])).toBe(EXIT.failure);
    expect(io.text()).toBe("geostage: write: EROFS: read-only file system, mkdir '/ro/generated'\n");
  });
});
