// Network namespaces: running inside one, opening a TCP connection from one, listing them, and
// whether this machine can make them. Everything made here carries the caller's unique prefix
// and is removed by exact name; the host's own interfaces, routes and firewall are never touched
// (veth pairs are created directly inside the namespaces).
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { Duplex } from 'node:stream';
import { run } from './local.ts';

/** Why namespace tests cannot run here, or null when they can. */
export function namespaceSupport(): string | null {
  if (process.getuid?.() !== 0) return 'needs root to create network namespaces';
  const probe = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0)
    return `\`ip netns\` is unavailable: ${probe.error?.message ?? probe.stderr.trim()}`;
  return null;
}

/** `ip netns exec <namespace> <command...>`. */
export function inside(namespace: string, command: string, args: readonly string[]): Promise<string> {
  return run('ip', ['netns', 'exec', namespace, command, ...args]);
}

/** Every network namespace on this machine, by name (`ip netns list` prints "name (id: N)"). */
export async function listNamespaces(): Promise<string[]> {
  const listed = await run('ip', ['netns', 'list']);
  return listed
    .split('\n')
    .map((line) => line.split(' ')[0] ?? '')
    .filter((name) => name !== '');
}

/** Namespaces made under one prefix and removed together, for real-tool tests. */
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

// Runs inside the namespace: one TCP connection, piped both ways, exit when it closes.
const PIPE = `const s=require('node:net').connect(Number(process.argv[2]),process.argv[1]);
s.on('error',(e)=>{process.stderr.write(e.message);process.exit(1)});
process.stdin.pipe(s);s.pipe(process.stdout);s.on('close',()=>process.exit(0));`;

/**
 * A Duplex carrying a TCP connection opened inside `namespace`. Node cannot enter a namespace
 * itself, so a helper (this same node binary under `ip netns exec`) opens the connection there
 * and pipes it to its stdin/stdout. The host's own routing is never consulted. The helper ends
 * when its stdin closes (the caller closed the connection or died).
 */
export function namespaceSocket(
  namespace: string,
  address: string,
  port: number,
): { socket: Duplex; helper: ChildProcess } {
  const helper = spawn(
    'ip',
    ['netns', 'exec', namespace, process.execPath, '-e', PIPE, address, String(port)],
    // Its own process group: a Ctrl-C meant for the command (which finishes the steps under way,
    // then stops) must not reach the helper and cut the connection in the middle of a step.
    { stdio: ['pipe', 'pipe', 'pipe'], detached: true },
  );
  const socket = Duplex.from({ readable: helper.stdout!, writable: helper.stdin! });
  return { socket, helper };
}
