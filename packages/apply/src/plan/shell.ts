// Commands in a plan are shell lines run over SSH; every path or name put into one goes
// through shellWord, so a topology name can never change what a command does.
import { quote } from 'shell-quote';

/** One POSIX shell word (shell-quote): bare when it is plainly safe, otherwise quoted. */
export function shellWord(value: string): string {
  return quote([value]);
}
