// geostage hosts scan <env>: reads the host key every router and server of the inventory
// presents (servers through their jump hosts, whose keys are verified), shows each one's
// SHA256 fingerprint against the known_hosts file, and records them after confirmation. A
// changed key is replaced only for the hosts named with --replace.
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { type HostInventory, readHostInventory } from '@geostage/environment';
import { formatDiagnostic, type HostAccess, jumpChain } from '@geostage/schema';
import {
  fingerprint,
  type HostKey,
  hostKeys,
  type KnownHosts,
  parseKnownHosts,
  recordHostKey,
  renderKnownHosts,
  type SshTarget,
  scanHostKey,
} from '@geostage/transport';
import writeFileAtomic from 'write-file-atomic';
import { type Command, EXIT, UsageError } from '../command.ts';
import { loadEnvironment, repositoryRoot, selectEnvironments } from '../environment.ts';

/** Hosts scanned at once within one depth of the jump chains. */
const CONCURRENCY = 6;

export type ScanOutcome =
  | { host: string; status: 'new' | 'unchanged'; key: HostKey }
  | { host: string; status: 'changed'; key: HostKey; recorded: HostKey[]; replace: boolean }
  | { host: string; status: 'unreachable'; error: string }
  | { host: string; status: 'skipped'; why: string };

/** Pure: what a scanned key is to the keys recorded for its host. */
export function compareKey(recorded: readonly HostKey[], scanned: HostKey): 'new' | 'unchanged' | 'changed' {
  if (recorded.length === 0) return 'new';
  return recorded.some((key) => key.key.equals(scanned.key)) ? 'unchanged' : 'changed';
}

/** Pure: the hosts in groups by the length of their jump chain (a group's jumps are all in earlier groups). */
export function scanWaves(inventory: HostInventory): HostAccess[][] {
  const depths = inventory.hosts.map((host) => jumpChain(inventory, host.name).length);
  return [...new Set(depths)]
    .sort((a, b) => a - b)
    .map((depth) => inventory.hosts.filter((_, index) => depths[index] === depth));
}

/** Pure: the known_hosts with every key to record (new ones, and changed ones named with --replace). */
export function recordedKnownHosts(knownHosts: KnownHosts, outcomes: readonly ScanOutcome[]): KnownHosts {
  let result = knownHosts;
  for (const outcome of outcomes) {
    if (outcome.status === 'new' || (outcome.status === 'changed' && outcome.replace))
      result = recordHostKey(result, outcome.host, outcome.key);
  }
  return result;
}

/** How to log in to a jump host, as apply does: its key file, or the agent when the inventory says agent: true. */
async function credentials(
  host: HostAccess,
): Promise<{ privateKey: Buffer } | { agent: string } | { error: string }> {
  if (host.identity) {
    try {
      return { privateKey: await readFile(host.identity) };
    } catch (error) {
      return { error: `cannot read its key ${host.identity}: ${(error as Error).message}` };
    }
  }
  if (!host.agent) return { error: 'no key: give identity (a key file) or agent: true in the inventory' };
  const agent = process.env.SSH_AUTH_SOCK;
  return agent ? { agent } : { error: 'agent: true, but SSH_AUTH_SOCK is not set' };
}

function describeOutcome(outcome: ScanOutcome, width: number): string {
  const name = outcome.host.padEnd(width);
  switch (outcome.status) {
    case 'new':
    case 'unchanged':
      return `  ${name}  ${outcome.key.type}  ${fingerprint(outcome.key.key)}  ${outcome.status}`;
    case 'changed': {
      const was = outcome.recorded.map((key) => `${key.type} ${fingerprint(key.key)}`).join(', ');
      return `  ${name}  ${outcome.key.type}  ${fingerprint(outcome.key.key)}  CHANGED (recorded: ${was}): ${
        outcome.replace
          ? 'replacing it (--replace)'
          : `not replaced; check the new fingerprint on the host's console, then run again with --replace ${outcome.host}`
      }`;
    }
    case 'unreachable':
      return `  ${name}  unreachable: ${outcome.error}`;
    case 'skipped':
      return `  ${name}  not scanned: ${outcome.why}`;
  }
}

async function confirm(question: string): Promise<boolean> {
  const prompt = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^y(es)?$/i.test((await prompt.question(question)).trim());
  } finally {
    prompt.close();
  }
}

/** Scans every host, jump chains first: a host is scanned only through jump hosts whose keys are trusted. */
async function scanAll(
  inventory: HostInventory,
  knownHosts: KnownHosts,
  replace: ReadonlySet<string>,
  report: (outcome: ScanOutcome) => void,
): Promise<ScanOutcome[]> {
  /** The key each host is trusted with as a jump host: the one it presented, when recorded or about to be. */
  const trusted = new Map<string, HostKey>();
  const why = new Map<string, string>();
  const outcomes = new Map<string, ScanOutcome>();
  const scanOne = async (host: HostAccess): Promise<ScanOutcome> => {
    const chain = jumpChain(inventory, host.name);
    const jumps: Omit<SshTarget, 'jumps'>[] = [];
    for (const jump of chain) {
      const hostKey = trusted.get(jump.name);
      if (!hostKey)
        return {
          host: host.name,
          status: 'skipped',
          why: `its jump host ${jump.name} ${why.get(jump.name)}`,
        };
      const login = await credentials(jump);
      if ('error' in login)
        return {
          host: host.name,
          status: 'skipped',
          why: `cannot log in to its jump host ${jump.name}: ${login.error}`,
        };
      jumps.push({
        host: jump.name,
        address: jump.address,
        port: jump.port,
        user: jump.user,
        namespace: jump.namespace,
        hostKey: hostKey.key,
        ...login,
      });
    }
    const recorded = hostKeys(knownHosts, host.name);
    const scanned = await scanHostKey({
      host: host.name,
      address: host.address,
      port: host.port,
      user: host.user,
      namespace: host.namespace,
      keyTypes: recorded.map((key) => key.type),
      jumps,
    });
    if (!scanned.ok) return { host: host.name, status: 'unreachable', error: scanned.error };
    const status = compareKey(recorded, scanned.value);
    return status === 'changed'
      ? { host: host.name, status, key: scanned.value, recorded, replace: replace.has(host.name) }
      : { host: host.name, status, key: scanned.value };
  };
  for (const wave of scanWaves(inventory)) {
    const queue = [...wave];
    const worker = async () => {
      for (let host = queue.shift(); host; host = queue.shift()) {
        const outcome = await scanOne(host);
        outcomes.set(host.name, outcome);
        if (
          outcome.status === 'new' ||
          outcome.status === 'unchanged' ||
          (outcome.status === 'changed' && outcome.replace)
        )
          trusted.set(host.name, outcome.key);
        else
          why.set(
            host.name,
            outcome.status === 'changed' ? 'shows a changed key (not replaced)' : `was not reached`,
          );
        report(outcome);
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, wave.length) }, worker));
  }
  return inventory.hosts.map((host) => outcomes.get(host.name)!);
}

function summary(outcomes: readonly ScanOutcome[]): string {
  const count = (status: ScanOutcome['status']) =>
    outcomes.filter((outcome) => outcome.status === status).length;
  const changed = outcomes.filter((outcome) => outcome.status === 'changed');
  const replaced = changed.filter((outcome) => outcome.status === 'changed' && outcome.replace).length;
  return `${outcomes.length} hosts: ${count('new')} new, ${count('unchanged')} unchanged, ${changed.length} changed (${replaced} to replace), ${count('unreachable')} unreachable, ${count('skipped')} not scanned`;
}

export const hosts: Command = {
  name: 'hosts',
  summary: "record the real hosts' SSH host keys: hosts scan <env>",
  help: `Usage: geostage hosts scan <env> [--inventory FILE] [--yes] [--replace HOST]...

Connects to every router and server of the inventory as apply reaches them (routers first; a
server through its jump chain, whose host keys must be recorded already or scanned in this same
run) and reads the SSH host key each one presents, without logging in to it. Prints each host's
key type and SHA256 fingerprint (as ssh-keygen -lf prints it) and whether it is new, unchanged
or CHANGED against the known_hosts file, then a summary. Compare the fingerprints with the ones
the hosts show on their consoles (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub).

The known_hosts file (knownHosts in the inventory; default known_hosts beside it) is written
only after confirmation: a y/N question on a terminal, or --yes. Each line is keyed by the
host's name (OpenSSH's HostKeyAlias): ssh -o HostKeyAlias=vyos01 -o UserKnownHostsFile=FILE
reads it as it is. Comments and other lines are kept; the file is replaced atomically. A
changed key is never replaced unless the host is named with --replace.

Options:
  --inventory FILE  the inventory (default environments/<env>/inventory.yaml; when that is
                    missing every host is reached as the topology says, and known_hosts is
                    environments/<env>/known_hosts).
  --yes             record without asking.
  --replace HOST    replace HOST's changed key (repeat for more hosts).
  -h, --help        show this help.

Exit codes: 0 every host's key is recorded, 1 a host was unreachable or not scanned, a changed
key was not replaced, the recording was declined, or the topology or inventory is invalid,
2 usage error, 3 the known_hosts file could not be read or written.`,
  options: {
    inventory: { type: 'string' },
    yes: { type: 'boolean' },
    replace: { type: 'string', multiple: true },
  },
  async run({ values, positionals, io }) {
    const [action, ...names] = positionals;
    if (action !== 'scan')
      throw new UsageError(`the only action is scan: geostage hosts scan <env>, not "${action ?? ''}"`);
    if (names.length !== 1) throw new UsageError('name one environment: geostage hosts scan <env>');
    const root = repositoryRoot(io.cwd);
    const [name] = selectEnvironments(root, names);
    const environment = await loadEnvironment(root, name!);
    for (const diagnostic of environment.diagnostics) io.err(`${formatDiagnostic(diagnostic)}\n`);
    if (!environment.model) {
      io.err(`${environment.source}: invalid, nothing scanned\n`);
      return EXIT.invalid;
    }
    const shown = (path: string) => (relative(io.cwd, path).startsWith('..') ? path : relative(io.cwd, path));
    const given = typeof values.inventory === 'string' ? resolve(io.cwd, values.inventory) : null;
    const path = given ?? environment.paths.inventory;
    const read = await readHostInventory(path, environment.model, {
      missingIsDefault: given === null,
      displayPath: shown(path),
    });
    for (const diagnostic of read.diagnostics) io.err(`${formatDiagnostic(diagnostic)}\n`);
    if (!read.ok) {
      io.err(`${read.error}; nothing scanned\n`);
      return EXIT.invalid;
    }
    const inventory = read.inventory;
    const replace = new Set((values.replace as string[] | undefined) ?? []);
    for (const host of replace) {
      if (!inventory.hosts.some((known) => known.name === host))
        throw new UsageError(
          `--replace ${host}: no such host in ${name} (${inventory.hosts.map((known) => known.name).join(', ')})`,
        );
    }

    const knownHostsPath = inventory.knownHostsPath;
    const knownHostsText = await readFile(knownHostsPath, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return '';
      throw error;
    });
    const knownHosts = parseKnownHosts(knownHostsText);
    for (const problem of knownHosts.problems)
      io.err(`${shown(knownHostsPath)}:${problem.line}: ${problem.message} (kept as it is)\n`);

    io.out(
      `hosts scan ${name}: ${inventory.hosts.length} hosts from ${inventory.file ? shown(inventory.file) : 'the topology (no inventory.yaml)'}, against ${shown(knownHostsPath)}\n`,
    );
    const width = Math.max(...inventory.hosts.map((host) => host.name.length));
    const outcomes = await scanAll(inventory, knownHosts, replace, (outcome) =>
      io.out(`${describeOutcome(outcome, width)}\n`),
    );
    io.out(`${summary(outcomes)}\n`);

    const toRecord = outcomes.filter(
      (outcome) => outcome.status === 'new' || (outcome.status === 'changed' && outcome.replace),
    );
    const incomplete = outcomes.some(
      (outcome) =>
        outcome.status === 'unreachable' ||
        outcome.status === 'skipped' ||
        (outcome.status === 'changed' && !outcome.replace),
    );
    if (toRecord.length === 0) {
      io.out(`${shown(knownHostsPath)}: nothing to record\n`);
      return incomplete ? EXIT.invalid : EXIT.ok;
    }
    const what = `${toRecord.length} host key${toRecord.length === 1 ? '' : 's'} (${toRecord.map((outcome) => outcome.host).join(', ')})`;
    if (!values.yes) {
      if (!process.stdin.isTTY) {
        io.err(`not recorded: ${what}; run again with --yes to record them, or on a terminal to be asked\n`);
        return EXIT.invalid;
      }
      if (!(await confirm(`Record ${what} in ${shown(knownHostsPath)}? [y/N] `))) {
        io.out('nothing recorded\n');
        return EXIT.invalid;
      }
    }
    await writeKnownHosts(knownHostsPath, renderKnownHosts(recordedKnownHosts(knownHosts, outcomes)));
    io.out(`${shown(knownHostsPath)}: recorded ${what}\n`);
    return incomplete ? EXIT.invalid : EXIT.ok;
  },
};

async function writeKnownHosts(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFileAtomic(path, text, { mode: 0o644 });
}
