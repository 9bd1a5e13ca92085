// The "booted machines" provider: every router and server of the lab is a Debian system booted
// with systemd-nspawn inside its own network namespace, over the one cached image
// (image.ts) with a volatile overlay of its own, so that apply configures it over SSH from
// scratch as it would a real host. The host has no systemd as pid 1, hence --register=no and
// --keep-unit: a machine is exactly its nspawn process, recorded by pid, named <prefix>m-<host>.
import { spawn } from 'node:child_process';
import { type Dirent, mkdirSync, openSync, readdirSync, readFileSync, rmdirSync } from 'node:fs';
import { chmod, mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { run } from '@geostage/transport';
import type { LabAccess } from '../access.ts';
import { NAT_SSH_PORT } from '../wiring/nat.ts';
import type { Wiring } from '../wiring/wiring.ts';

export const NSPAWN = 'systemd-nspawn';

/** Where the lab checks a machine's sshd: a TCP connection from `from` to `address`:`port`. */
export interface MachineProbe {
  from: string;
  address: string;
  port: number;
}

export interface LabMachine {
  /** The router or server it is. */
  host: string;
  role: 'router' | 'server';
  /** The lab namespace it runs in (the namespace lab's router or server namespace). */
  namespace: string;
  /** nspawn's machine name, `<prefix>m-<host>`: what `lab down` sweeps by. */
  machine: string;
  /** systemd-nspawn's pid, recorded as soon as it exists; null before. */
  pid: number | null;
  /** The machine's SSH host key (private; `.pub` beside it), relative to the lab folder. */
  hostKey: string;
  /** Its console (the boot messages), relative to the lab folder. */
  log: string;
  /** Routers from the operator namespace, servers from their router's namespace (the jump's path). */
  probe: MachineProbe;
  /**
   * The machine's own cgroups (absolute folders, one per cgroup hierarchy nspawn uses), made
   * before it starts and removed by `lab down`. Without them every machine's systemd would
   * manage the same cgroups (nspawn with --keep-unit splits only its own cgroup, the same for
   * every machine started by one process), and units failed at random with 219/CGROUP.
   */
  cgroups: string[];
}

/** The machine's name: at most 64 characters, a valid host name (the lab prefix keeps it apart from any other). */
export const machineName = (prefix: string, host: string) => `${prefix}m-${host}`;

/** Pure: one machine per router and server of the wiring, none started yet. */
export function planMachines(wiring: Wiring, access: Pick<LabAccess, 'namespace'>): LabMachine[] {
  const machine = (host: string, role: LabMachine['role'], namespace: string, probe: MachineProbe) => ({
    host,
    role,
    namespace,
    machine: machineName(wiring.prefix, host),
    pid: null,
    hostKey: `ssh/machines/${host}/ssh_host_ed25519_key`,
    log: `logs/machine-${host}.log`,
    probe,
    cgroups: [],
  });
  return [
    ...wiring.routers.map((router) =>
      machine(router.name, 'router', router.namespace, {
        from: access.namespace,
        address: router.natAddress ?? router.wan.split('/')[0]!,
        port: router.natAddress ? NAT_SSH_PORT : 22,
      }),
    ),
    ...wiring.servers.map((server) => {
      const router = wiring.routers.find((one) => one.name === server.router)!;
      return machine(server.name, 'server', server.namespace, {
        from: router.namespace,
        address: server.address,
        port: 22,
      });
    }),
  ];
}

/**
 * The nspawn command line of one machine (pure). /proc/sys/net is made writable by the
 * environment (`nspawnEnvironment`): nspawn gives it only to a network namespace of its own
 * making, not to one named by path. /dev/net/tun is bound in for openvpn; CAP_NET_ADMIN and
 * CAP_NET_RAW for ip, nft and ping.
 */
export function nspawnArguments(
  machine: LabMachine,
  image: string,
  lab: string,
  authorizedKeys: string,
): string[] {
  return [
    '--boot',
    '--register=no',
    '--keep-unit',
    `--machine=${machine.machine}`,
    `--hostname=${machine.host}`,
    `--directory=${image}`,
    '--volatile=overlay',
    `--network-namespace-path=/run/netns/${machine.namespace}`,
    '--capability=CAP_NET_ADMIN,CAP_NET_RAW',
    '--console=read-only',
    '--link-journal=no',
    '--resolv-conf=off',
    '--timezone=off',
    `--bind-ro=${join(lab, machine.hostKey)}:/etc/ssh/ssh_host_ed25519_key`,
    `--bind-ro=${join(lab, machine.hostKey)}.pub:/etc/ssh/ssh_host_ed25519_key.pub`,
    `--bind-ro=${join(lab, authorizedKeys)}:/root/.ssh/authorized_keys`,
    '--bind=/dev/net/tun',
  ];
}

export const nspawnEnvironment = { SYSTEMD_NSPAWN_API_VFS_WRITABLE: 'network' } as const;

/** Every machine's host key, made on this machine with ssh-keygen (never in the image). */
export async function makeHostKeys(lab: string, machines: readonly LabMachine[]): Promise<void> {
  for (const machine of machines) {
    const path = join(lab, machine.hostKey);
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    await chmod(dirname(path), 0o700);
    await run('ssh-keygen', [
      '-q',
      '-t',
      'ed25519',
      '-N',
      '',
      '-C',
      `geostage-lab-${machine.host}`,
      '-f',
      path,
    ]);
  }
}

/** The machine's host public key without its comment ("ssh-ed25519 AAAA..."), for known_hosts. */
export async function hostPublicKey(lab: string, machine: LabMachine): Promise<string> {
  const [type, blob] = (await readFile(join(lab, `${machine.hostKey}.pub`), 'utf8')).trim().split(/\s+/);
  return `${type} ${blob}`;
}

/**
 * Where this process sits in each cgroup hierarchy nspawn uses: the unified (cgroup2) one, and
 * on a hybrid host the legacy name=systemd one; absolute folders under their mount points.
 */
export function cgroupParents(
  mountinfo = readFileSync('/proc/self/mountinfo', 'utf8'),
  own = readFileSync('/proc/self/cgroup', 'utf8'),
): string[] {
  const lines = own.split('\n');
  const unified = lines.find((line) => line.startsWith('0::'))?.slice(3);
  const legacy = lines.find((line) => /^\d+:name=systemd:/.test(line))?.split(':')[2];
  const parents: string[] = [];
  for (const line of mountinfo.split('\n')) {
    const [mount, filesystem] = line.split(' - ');
    if (!mount || !filesystem) continue;
    const [, , , root, point] = mount.split(' ');
    const [type, , options] = filesystem.split(' ');
    const path =
      type === 'cgroup2'
        ? unified
        : type === 'cgroup' && options?.split(',').includes('name=systemd')
          ? legacy
          : undefined;
    if (path === undefined || !root || !point) continue;
    const inside = root === '/' ? path : path.startsWith(root) ? path.slice(root.length) : null;
    if (inside !== null) parents.push(join(point, inside));
  }
  return [...new Set(parents)];
}

/** The machine's cgroups: a folder named for it under each parent (pure). */
export const machineCgroups = (parents: readonly string[], machine: LabMachine) =>
  parents.map((parent) => join(parent, machine.machine));

// Moves itself into the machine's cgroups, then becomes nspawn (same pid): nspawn splits the
// cgroup it starts in, so each machine gets a tree of its own.
const ENTER_CGROUPS =
  'n=$1; shift; while [ "$n" -gt 0 ]; do echo $$ > "$1/cgroup.procs" || exit 97; shift; n=$((n-1)); done; exec "$@"';

/** Starts one machine in its cgroups (made here); returns nspawn's pid at once (the caller records it before anything else). */
export function startMachine(
  lab: string,
  machine: LabMachine,
  image: string,
  authorizedKeys: string,
): number {
  for (const cgroup of machine.cgroups) mkdirSync(cgroup, { recursive: true });
  const log = openSync(join(lab, machine.log), 'w', 0o600);
  const nspawn = ['/usr/bin/systemd-nspawn', ...nspawnArguments(machine, image, lab, authorizedKeys)];
  const child = spawn(
    'sh',
    ['-c', ENTER_CGROUPS, 'sh', String(machine.cgroups.length), ...machine.cgroups, ...nspawn],
    {
      detached: true,
      stdio: ['ignore', log, log],
      env: { ...process.env, ...nspawnEnvironment },
    },
  );
  child.unref();
  if (child.pid === undefined) throw new Error(`${NSPAWN} for ${machine.host} did not start`);
  return child.pid;
}

function commandLine(pid: number): string[] | null {
  try {
    if (/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))) return null;
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return null;
  }
}

const namesNspawn = (args: readonly string[]) =>
  args.some((arg) => arg.endsWith(`/${NSPAWN}`) || arg === NSPAWN);

/** Whether `pid` is the nspawn of the machine named `name` (or the shell about to become it); a reused pid is someone else's. */
export function isMachineProcess(pid: number, name: string): boolean {
  const args = commandLine(pid);
  return args !== null && namesNspawn(args) && args.includes(`--machine=${name}`);
}

/** Removes cgroup folders, deepest first (a cgroup folder goes with rmdir once it holds no process). */
export function removeCgroups(folders: readonly string[]): string[] {
  const left: string[] = [];
  const remove = (folder: string) => {
    let entries: Dirent[];
    try {
      entries = readdirSync(folder, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) if (entry.isDirectory()) remove(join(folder, entry.name));
    try {
      rmdirSync(folder);
    } catch {
      left.push(folder);
    }
  };
  for (const folder of folders) remove(folder);
  return left;
}

/** Cgroup folders of the lab's machines that no record names: `<parent>/<prefix>m-*`. */
export function cgroupsByPrefix(prefix: string, parents = cgroupParents()): string[] {
  return parents.flatMap((parent) => {
    try {
      return readdirSync(parent)
        .filter((entry) => entry.startsWith(`${prefix}m-`))
        .map((entry) => join(parent, entry));
    } catch {
      return [];
    }
  });
}

/** The machine name on an nspawn's command line ('' when it is none). */
export function machineOf(pid: number): string {
  const argument = commandLine(pid)?.find((arg) => arg.startsWith('--machine='));
  return argument ? argument.slice('--machine='.length) : '';
}

/** Every nspawn on this machine whose machine name starts with the lab's `<prefix>m-`. */
export function machinePidsByPrefix(prefix: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const args = commandLine(pid);
    if (args && namesNspawn(args) && args.some((arg) => arg.startsWith(`--machine=${prefix}m-`)))
      pids.push(pid);
  }
  return pids;
}

const signal = (pid: number | null, name: NodeJS.Signals) => {
  try {
    if (pid !== null) process.kill(pid, name);
  } catch {}
};

/**
 * Stops machines the way a host shuts down: SIGTERM to nspawn powers the machine off (about
 * 2 s). It is sent again every second, because a machine still booting has no handler for the
 * poweroff signal yet and loses it. After `graceMs`, SIGKILL to nspawn and to the machine's init
 * (which takes every process of the machine with it). How many were running.
 */
export async function stopMachines(
  machines: readonly { pid: number; machine: string }[],
  graceMs = 15_000,
): Promise<number> {
  const running = machines
    .filter((one) => isMachineProcess(one.pid, one.machine))
    .map((one) => ({ ...one, init: machineInit(one.pid) }));
  const alive = () => running.filter((one) => isMachineProcess(one.pid, one.machine));
  const deadline = Date.now() + graceMs;
  let resend = 0;
  while (alive().length > 0 && Date.now() < deadline) {
    if (Date.now() >= resend) {
      for (const one of alive()) signal(one.pid, 'SIGTERM');
      resend = Date.now() + 1000;
    }
    await new Promise((done) => setTimeout(done, 100));
  }
  for (const one of alive()) {
    signal(one.pid, 'SIGKILL');
    signal(one.init ?? machineInit(one.pid), 'SIGKILL');
  }
  return running.length;
}

/** The first line sshd sends ("SSH-2.0-OpenSSH_..."), from inside the probe's namespace; null when none came. */
export async function sshBanner(probe: MachineProbe, timeoutSeconds = 2): Promise<string | null> {
  const script = `exec 3<>/dev/tcp/${probe.address}/${probe.port} && IFS= read -r -t ${timeoutSeconds} line <&3 && printf '%s' "$line"`;
  const text = await run('ip', [
    'netns',
    'exec',
    probe.from,
    'timeout',
    String(timeoutSeconds + 1),
    'bash',
    '-c',
    script,
  ]).catch(() => '');
  return text.startsWith('SSH-') ? text.trim() : null;
}

const tail = (text: string, lines = 12) => text.trimEnd().split('\n').slice(-lines).join('\n');

/**
 * Resolves once every machine's sshd sends its banner where apply will connect from, in
 * parallel, one progress line per machine; rejects with the console's tail when a machine's
 * nspawn exits or the deadline passes.
 */
export async function waitForMachines(
  lab: string,
  machines: readonly LabMachine[],
  timeoutMs: number,
  progress: (line: string) => void,
  signal?: AbortSignal,
): Promise<void> {
  const started = Date.now();
  let answered = 0;
  await Promise.all(
    machines.map(async (machine) => {
      const deadline = started + timeoutMs;
      const fail = async (why: string) => {
        const console = await readFile(join(lab, machine.log), 'utf8').catch(() => '(no console log)');
        throw new Error(`machine ${machine.host}: ${why}\n--- ${machine.log} ---\n${tail(console)}`);
      };
      while (!signal?.aborted) {
        if (machine.pid === null || !isMachineProcess(machine.pid, machine.machine))
          return fail('systemd-nspawn exited');
        if (await sshBanner(machine.probe)) {
          if (signal?.aborted) return;
          answered += 1;
          progress(
            `  ${machine.host}: sshd answers at ${machine.probe.address}:${machine.probe.port} (${((Date.now() - started) / 1000).toFixed(1)} s, ${answered} of ${machines.length})`,
          );
          return;
        }
        if (Date.now() > deadline)
          return fail(
            `sshd did not answer at ${machine.probe.address}:${machine.probe.port} within ${timeoutMs / 1000} s`,
          );
        await new Promise((done) => setTimeout(done, 250));
      }
    }),
  );
}

/** The pid of the machine's own init (systemd, nspawn's child), to look inside with nsenter. */
export function machineInit(pid: number): number | null {
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const children = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim().split(/\s+/);
      const first = Number(children[0]);
      if (Number.isInteger(first) && first > 0) return first;
    }
  } catch {}
  return null;
}
