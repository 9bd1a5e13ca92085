// `lab status`: whether the lab works, not only whether its pids live: every namespace the
// state records, each tunnel end to end (its openvpn, its interface up, the routes its
// configuration names, a ping to the far end across it), each sshd (alive, and a TCP connection
// to port 22 from the operator namespace), the WAN's wires, and each booted machine (its nspawn
// alive, its sshd's banner from where apply connects).
import { readFile } from 'node:fs/promises';
import { listNamespaces, run } from '@geostage/transport';
import { isMachineProcess, type LabMachine, sshBanner } from './machines/booted.ts';
import { isLabProcess } from './processes.ts';
import { type LabProcess, type LabState, labFolder } from './state.ts';
import { wanProblems } from './wan/lab.ts';

export interface TunnelStatus extends LabProcess {
  running: boolean;
  /** The tunnel interface exists in the router namespace. */
  device: boolean;
  /** The interface is up. */
  up: boolean;
  /** Routes the configuration names that the namespace does not have (prefix/length). */
  missingRoutes: string[];
  /** The far end of the tunnel answered a ping across it; null when there was nothing to ping. */
  ping: boolean | null;
  /** What is wrong, in a few words; null when the end works. */
  problem: string | null;
}

/** A booted machine: its nspawn alive, and its sshd's banner where apply connects from. */
export interface MachineStatus {
  host: string;
  role: LabMachine['role'];
  pid: number | null;
  running: boolean;
  /** The banner sshd sent ("SSH-2.0-OpenSSH_..."), or null. */
  banner: string | null;
  problem: string | null;
}

export interface LabHealth {
  healthy: boolean;
  namespacesPresent: number;
  missingNamespaces: string[];
  tunnels: TunnelStatus[];
  /** Routers whose sshd is not running or not answering. */
  sshdDown: string[];
  /** Booted machines (a machines lab); empty otherwise. */
  machines: MachineStatus[];
  problems: string[];
}

export interface TunnelConfig {
  /** The far end's tunnel address (`ifconfig <local> <far>`). */
  peer: string | null;
  /** `route <network> <netmask>` lines as prefix/length. */
  routes: string[];
}

const maskLength = (mask: string) =>
  mask
    .split('.')
    .reduce((bits, octet) => bits + (Number(octet) >>> 0).toString(2).replaceAll('0', '').length, 0);

/** The far end and the routes of an openvpn configuration (pure). */
export function tunnelConfig(text: string): TunnelConfig {
  const peer = /^ifconfig\s+\S+\s+(\S+)/m.exec(text)?.[1] ?? null;
  const routes = [...text.matchAll(/^route\s+(\S+)\s+(\S+)/gm)].map(
    ([, network, mask]) => `${network}/${maskLength(mask!)}`,
  );
  return { peer, routes };
}

/** The configuration file a tunnel end runs (its `--config` argument), as recorded by the inventory. */
function configOf(state: LabState, process: LabProcess): string | null {
  const tunnel = state.inventory?.routers
    .find((router) => router.name === process.router)
    ?.tunnels.find((one) => one.interface === process.interface);
  const command = tunnel?.command ?? [];
  const at = command.indexOf('--config');
  const cd = command.indexOf('--cd');
  const path = at >= 0 ? command[at + 1] : undefined;
  if (!path) return null;
  return path.startsWith('/') || cd < 0 ? path : `${command[cd + 1]}/${path}`;
}

const succeeds = (command: string, args: string[]) =>
  run(command, args).then(
    () => true,
    () => false,
  );

async function tunnelStatus(
  state: LabState,
  process: LabProcess,
  present: Set<string>,
): Promise<TunnelStatus> {
  const lab = labFolder(state.folder);
  const running = isLabProcess(process.pid, lab);
  const link = present.has(process.namespace)
    ? await run('ip', ['-n', process.namespace, '-o', 'link', 'show', 'dev', process.interface]).catch(
        () => null,
      )
    : null;
  const device = link !== null;
  const up = link !== null && /<[^>]*\bUP\b[^>]*>/.test(link);
  const path = configOf(state, process);
  const config = path
    ? tunnelConfig(await readFile(path, 'utf8').catch(() => ''))
    : { peer: null, routes: [] };
  const missingRoutes: string[] = [];
  if (up)
    for (const route of config.routes) {
      const shown = await run('ip', ['-n', process.namespace, 'route', 'show', route]).catch(() => '');
      if (!shown.includes(`dev ${process.interface}`)) missingRoutes.push(route);
    }
  const ping =
    up && config.peer
      ? await succeeds('ip', [
          'netns',
          'exec',
          process.namespace,
          'ping',
          '-c',
          '3',
          '-i',
          '0.2',
          '-W',
          '1',
          '-w',
          '3',
          '-I',
          process.interface,
          config.peer,
        ])
      : null;
  const problem = !running
    ? 'openvpn not running'
    : !device
      ? 'no interface'
      : !up
        ? 'interface down'
        : missingRoutes.length > 0
          ? `routes missing: ${missingRoutes.join(', ')}`
          : ping === false
            ? `no answer from ${config.peer} across it`
            : null;
  return { ...process, running, device, up, missingRoutes, ping, problem };
}

/** Whether sshd accepts a TCP connection at `address`:22 from the operator namespace. */
const answers = (from: string, address: string) =>
  succeeds('ip', ['netns', 'exec', from, 'timeout', '2', 'bash', '-c', `exec 3<>/dev/tcp/${address}/22`]);

export async function labHealth(state: LabState): Promise<LabHealth> {
  const present = new Set(await listNamespaces());
  const missingNamespaces = state.namespaces.map((ns) => ns.name).filter((name) => !present.has(name));
  const lab = labFolder(state.folder);
  const tunnels = await Promise.all(state.processes.map((process) => tunnelStatus(state, process, present)));
  const problems: string[] = [];
  if (!state.complete) problems.push('lab up did not finish');
  if (missingNamespaces.length > 0)
    problems.push(`${missingNamespaces.length} namespaces missing (${missingNamespaces.join(', ')})`);
  for (const tunnel of tunnels.filter((one) => one.problem))
    problems.push(`tunnel ${tunnel.tunnel} at ${tunnel.router} ${tunnel.interface}: ${tunnel.problem}`);
  problems.push(...wanProblems(state.wan));
  const sshdDown: string[] = [];
  if (state.access) {
    const access = state.access;
    if (!present.has(access.namespace)) problems.push(`operator namespace ${access.namespace} missing`);
    // From where apply connects: the operator, or for a router behind NAT its hub's namespace.
    const reach = (router: string, address: string) => {
      const ssh = state.inventory?.routers.find((one) => one.name === router)?.ssh;
      return { from: ssh?.from ?? access.namespace, address: ssh?.address ?? address };
    };
    const checked = await Promise.all(
      access.sshd.map(async (sshd) => {
        const { from, address } = reach(sshd.router, sshd.address);
        return {
          sshd,
          ok: isLabProcess(sshd.pid, lab, 'sshd') && present.has(from) && (await answers(from, address)),
        };
      }),
    );
    sshdDown.push(...checked.filter((one) => !one.ok).map((one) => one.sshd.router));
    if (sshdDown.length > 0) problems.push(`sshd not running or not answering for ${sshdDown.join(', ')}`);
  }
  const machines = await Promise.all(
    (state.machines ?? []).map(async (machine): Promise<MachineStatus> => {
      const running = machine.pid !== null && isMachineProcess(machine.pid, machine.machine);
      const banner = running && present.has(machine.probe.from) ? await sshBanner(machine.probe) : null;
      const problem = !running
        ? 'not running'
        : banner
          ? null
          : `sshd not answering at ${machine.probe.address}:${machine.probe.port}`;
      return { host: machine.host, role: machine.role, pid: machine.pid, running, banner, problem };
    }),
  );
  for (const machine of machines.filter((one) => one.problem))
    problems.push(`machine ${machine.host}: ${machine.problem}`);
  return {
    healthy: problems.length === 0,
    namespacesPresent: state.namespaces.length - missingNamespaces.length,
    missingNamespaces,
    tunnels,
    sshdDown,
    machines,
    problems,
  };
}
