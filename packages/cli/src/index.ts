export { globalHelp, run } from './cli.ts';
export { type Command, type CommandInput, EXIT, type Io, UsageError } from './command.ts';
export { COMMANDS } from './commands/index.ts';
