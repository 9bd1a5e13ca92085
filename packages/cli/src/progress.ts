// Progress of long work on a terminal: a line rewritten in place at most once a `every` ms, and
// cleared at the end, so that what stays on the screen is the summary. Only where stderr is a
// terminal (Io.progress): in a log or a pipe it would be noise between the lines that matter.

/** Counts what passes through and reports the count now and then; `clear` when done. */
export function withProgress<T>(
  items: Iterable<T>,
  report: (count: number) => void,
  clear: () => void,
  options: { every?: number; now?: () => number } = {},
): Iterable<T> {
  const every = options.every ?? 500;
  const now = options.now ?? Date.now;
  return {
    *[Symbol.iterator]() {
      let count = 0;
      let last = now();
      let shown = false;
      try {
        for (const item of items) {
          count += 1;
          yield item;
          const at = now();
          if (at - last >= every) {
            report(count);
            shown = true;
            last = at;
          }
        }
      } finally {
        if (shown) clear();
      }
    },
  };
}
