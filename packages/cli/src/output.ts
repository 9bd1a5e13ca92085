// Where the CLI's text goes: a stream that goes quiet when its reader leaves (`geostage plan | head`),
// so a closed pipe neither crashes the command with EPIPE nor changes its exit code.
import type { Writable } from 'node:stream';

export interface Output {
  write(text: string): void;
  /** The stream's error other than a closed pipe, if one happened: the command's output was lost. */
  failure(): Error | undefined;
}

/** Writes to `stream` until it fails; a reader that went away (EPIPE) is not a failure. */
export function streamOutput(stream: Writable): Output {
  let closed = false;
  let failure: Error | undefined;
  stream.on('error', (error: NodeJS.ErrnoException) => {
    closed = true;
    if (error.code !== 'EPIPE' && failure === undefined) failure = error;
  });
  return {
    write(text) {
      if (!closed) stream.write(text);
    },
    failure: () => failure,
  };
}
