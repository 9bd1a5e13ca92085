// SIGINT and SIGTERM during a command that changes the lab: the command's AbortSignal is
// aborted (its reason the signal's name) so that it stops and rolls back, instead of Node
// dying halfway with processes and namespaces made and not recorded. A second signal while
// it rolls back is only acknowledged.
import type { Io } from './command.ts';

/** Exit codes after a signal, as shells report them (128 + the signal's number). */
export const SIGNAL_EXIT: Record<'SIGINT' | 'SIGTERM', number> = { SIGINT: 130, SIGTERM: 143 };

export async function interruptible<T>(
  io: Io,
  what: string,
  body: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  const onSignal = (name: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      io.err(`geostage: ${name}: still stopping ${what}, please wait\n`);
      return;
    }
    io.err(`geostage: ${name}: stopping ${what}\n`);
    controller.abort(name);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await body(controller.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** The exit code for an interruption by `reason` (a signal name). */
export function signalExit(reason: unknown): number {
  return reason === 'SIGTERM' ? SIGNAL_EXIT.SIGTERM : SIGNAL_EXIT.SIGINT;
}
