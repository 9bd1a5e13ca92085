// Commands in a plan are shell lines run over SSH; every path or name put into one goes
// through shellWord, so a topology name can never change what a command does.

/** One POSIX shell word: bare when it is plainly safe, otherwise single-quoted. */
export function shellWord(value: string): string {
  if (/^[A-Za-z0-9._/:=@+,-]+$/.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
