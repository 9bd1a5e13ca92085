// How `lab up` runs a group of the wiring's commands in few processes: one `ip -n NS -batch -`
// per namespace instead of one `ip` per command (a 50-site lab has ~2,000 of them, and on two
// loaded cores each spawn costs 10-20 ms). The order that matters is kept: every `link add` first
// (a veth made in one namespace appears in another, and a bridge must exist before a port joins
// it), then each namespace's other commands in the order the wiring gave them, then the programs
// run inside it (sysctl, nft). Pure: the commands in, the batches out.

/** What runs in one namespace: `ip -n namespace -batch -` with `lines`, then each of `after`. */
export interface NamespaceBatch {
  namespace: string;
  /** `ip` arguments without `-n namespace`, one command a line. */
  lines: string[][];
  /** Commands run after the batch, one by one (`ip netns exec namespace sysctl ...`). */
  after: string[][];
}

export interface BatchPlan {
  /** Every `link add`, one batch per namespace; these may run at the same time. */
  links: NamespaceBatch[];
  /** Then everything else, one batch per namespace; these may run at the same time. */
  rest: NamespaceBatch[];
  /** Commands of no namespace, run one by one at the end. */
  other: string[][];
}

function batchOf(batches: Map<string, NamespaceBatch>, namespace: string): NamespaceBatch {
  let batch = batches.get(namespace);
  if (!batch) {
    batch = { namespace, lines: [], after: [] };
    batches.set(namespace, batch);
  }
  return batch;
}

/**
 * The group's commands as batches. `loopbackDown`: namespaces whose lo is not up yet; the first
 * batch of each gets `link set lo up` and the namespace leaves the set.
 */
export function planBatches(commands: readonly (readonly string[])[], loopbackDown?: Set<string>): BatchPlan {
  const links = new Map<string, NamespaceBatch>();
  const rest = new Map<string, NamespaceBatch>();
  const other: string[][] = [];
  for (const command of commands) {
    if (command[0] === 'ip' && command[1] === '-n' && command[2]) {
      const args = command.slice(3);
      const stage = args[0] === 'link' && args[1] === 'add' ? links : rest;
      batchOf(stage, command[2]).lines.push(args);
    } else if (command[0] === 'ip' && command[1] === 'netns' && command[2] === 'exec' && command[3]) {
      batchOf(rest, command[3]).after.push([...command]);
    } else {
      other.push([...command]);
    }
  }
  for (const batch of [...links.values(), ...rest.values()]) {
    if (loopbackDown?.delete(batch.namespace)) batch.lines.unshift(['link', 'set', 'lo', 'up']);
  }
  return { links: [...links.values()], rest: [...rest.values()], other };
}

/** One line of an `ip -batch` file: arguments with blanks quoted (ip reads "..." as one). */
export function batchLine(args: readonly string[]): string {
  return args.map((arg) => (/[\s#\\]/.test(arg) ? `"${arg}"` : arg)).join(' ');
}

/** The command of a failed batch line, from ip's "Command failed -:N". */
export function failedLine(batch: NamespaceBatch, stderr: string): string | null {
  const match = /Command failed -:(\d+)/.exec(stderr);
  const line = match ? batch.lines[Number(match[1]) - 1] : undefined;
  return line ? ['ip', '-n', batch.namespace, ...line].join(' ') : null;
}
