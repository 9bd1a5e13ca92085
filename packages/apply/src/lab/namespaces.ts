// Network namespaces for the lab and for real-tool tests. Everything made here carries the
// caller's unique prefix and is removed by exact name; the host's own interfaces, routes and
// firewall are never touched (veth pairs are created directly inside the namespaces).
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';

const execute = promisify(execFile);

/** Why namespace tests cannot run here, or null when they can. */
export function namespaceSupport(): string | null {
  if (process.getuid?.() !== 0) return 'needs root to create network namespaces';
  const probe = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0)
    return `\`ip netns\` is unavailable: ${probe.error?.message ?? probe.stderr.trim()}`;
  return null;
}

export async function run(command: string, args: readonly string[]): Promise<string> {
  try {
    return (await execute(command, args, { encoding: 'utf8', maxBuffer: 1 << 22 })).stdout;
  } catch (error) {
    const failure = error as { stderr?: string; message: string };
    throw new Error(`${command} ${args.join(' ')}: ${failure.stderr?.trim() || failure.message}`);
  }
}

/** `ip netns exec <namespace> <command...>`. */
export function inside(namespace: string, command: string, args: readonly string[]): Promise<string> {
  return run('ip', ['netns', 'exec', namespace, command, ...args]);
}

export class Namespaces {
  readonly prefix: string;
  readonly made: string[] = [];

  constructor(prefix: string) {
    this.prefix = prefix;
  }

  async add(short: string): Promise<string> {
    const name = `${this.prefix}${short}`;
    await run('ip', ['netns', 'add', name]);
    this.made.push(name);
    await run('ip', ['-n', name, 'link', 'set', 'lo', 'up']);
    return name;
  }

  /** A veth pair from `a` (named `nameA`) to `b` (named `nameB`), both up. */
  async link(a: string, nameA: string, b: string, nameB: string): Promise<void> {
    await run('ip', ['-n', a, 'link', 'add', nameA, 'type', 'veth', 'peer', 'name', nameB, 'netns', b]);
    await run('ip', ['-n', a, 'link', 'set', nameA, 'up']);
    await run('ip', ['-n', b, 'link', 'set', nameB, 'up']);
  }

  /** Deletes every namespace this instance made (their veths go with them), by exact name. */
  async removeAll(): Promise<void> {
    for (const name of this.made.splice(0).reverse()) {
      spawnSync('ip', ['netns', 'del', name]);
    }
  }
}

/** Polls `check` until it returns a value other than null, or fails after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  timeoutMs: number,
  check: () => Promise<T | null>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown = null;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== null) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((done) => setTimeout(done, 200));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

/** Every network namespace on this machine, by name (`ip netns list` prints "name (id: N)"). */
export async function listNamespaces(): Promise<string[]> {
  const listed = await run('ip', ['netns', 'list']);
  return listed
    .split('\n')
    .map((line) => line.split(' ')[0] ?? '')
    .filter((name) => name !== '');
}
