// How apply gets into the lab, as plain data: an operator namespace on the underlay (the
// thesis's single point of control) and one sshd per router, listening on the router's WAN
// address. apply's SSH connections start in the operator namespace, so the host's routing
// never changes. Pure: the lab's routers in, namespaces, commands and sshd configs out.
import { integerToAddress, parsePrefix } from '@geostage/schema';
import { namespaceName } from './names.ts';
import type { LabRouter, WiringGroup } from './wiring/wiring.ts';

export interface LabSshd {
  router: string;
  namespace: string;
  /** The router's WAN address, without its length. */
  address: string;
  /**
   * Behind NAT, apply comes through the hub's tunnel, so sshd listens on every address (the
   * underlay cannot reach it; the WAN firewall still admits SSH only as the topology says).
   */
  everyAddress?: true;
  /** Relative to the lab folder. */
  config: string;
  hostKey: string;
  pidFile: string;
  log: string;
}

export interface LabAccess {
  /** The operator's namespace, on the underlay bridge. */
  namespace: string;
  /** One address on each WAN prefix the routers use (routers without a gateway reach only their own prefix). */
  addresses: string[];
  group: WiringGroup;
  sshd: LabSshd[];
  /** Relative to the lab folder: the 0700 folder with the operator's key and every sshd's files. */
  keys: string;
  identity: string;
  authorizedKeys: string;
}

export const SSH_FOLDER = 'ssh';
export const SSH_USER = 'root';

const ip = (namespace: string, ...args: string[]) => ['ip', '-n', namespace, ...args];

/** The highest host address of each WAN prefix that no router or gateway uses. */
function operatorAddresses(routers: { wan: string; gateway: string | null }[]): string[] | string {
  const used = new Set(
    routers.flatMap((router) => [router.wan.split('/')[0]!, ...(router.gateway ? [router.gateway] : [])]),
  );
  const prefixes = [...new Set(routers.map((router) => router.wan))].map((wan) => parsePrefix(wan));
  const seen = new Set<string>();
  const addresses: string[] = [];
  for (const prefix of prefixes) {
    const key = `${prefix.network}/${prefix.length}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const size = 2 ** (32 - prefix.length);
    if (size < 4) return `${integerToAddress(prefix.network)}/${prefix.length} has no room for the operator`;
    let candidate = prefix.network + size - 2;
    while (candidate > prefix.network && used.has(integerToAddress(candidate))) candidate -= 1;
    if (candidate === prefix.network)
      return `${integerToAddress(prefix.network)}/${prefix.length} has no free address for the operator`;
    addresses.push(`${integerToAddress(candidate)}/${prefix.length}`);
  }
  return addresses;
}

/**
 * sshd_config for one lab router: key-only root login, its own host key, pid file and log.
 * StrictModes is off because it walks every folder up to / and refuses a world-writable one:
 * a lab under /tmp (a test's scratch copy) could never log in. The keys sit in the lab's
 * 0700 ssh folder instead, which only root can read.
 * HOME is a folder of the lab's (which need not exist): bash, started by sshd for each command,
 * reads ~/.bashrc, and the host's own root dotfiles (a pyenv init, say) can hang in a namespace
 * without a network; apply's commands must not depend on how the host's root account is set up.
 */
export function sshdConfig(sshd: LabSshd, folder: string, authorizedKeys: string): string {
  return [
    '# geostage lab: sshd of one router namespace (apply connects here from the operator namespace)',
    `ListenAddress ${sshd.everyAddress ? '0.0.0.0' : sshd.address}`,
    'Port 22',
    `HostKey ${folder}/${sshd.hostKey}`,
    `PidFile ${folder}/${sshd.pidFile}`,
    `AuthorizedKeysFile ${folder}/${authorizedKeys}`,
    'PermitRootLogin prohibit-password',
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'UsePAM no',
    'StrictModes no',
    'UseDNS no',
    'PrintMotd no',
    `SetEnv HOME=${folder}/home`,
    'Subsystem sftp internal-sftp',
    '',
  ].join('\n');
}

export function planAccess(
  prefix: string,
  routers: (LabRouter & { gateway: string | null })[],
  /** Booted machines: the operator reaches a NATed router at its NAT's port forward, so it needs a route there. */
  toNat = false,
): { ok: true; access: LabAccess } | { ok: false; error: string } {
  const namespace = namespaceName(prefix, 'operator', '');
  const underlay = namespaceName(prefix, 'underlay', '');
  const reachable = routers.filter((router) => router.natAddress === null);
  const addresses = operatorAddresses(reachable);
  if (typeof addresses === 'string') return { ok: false, error: addresses };
  const commands = [
    ip(underlay, 'link', 'add', 'op', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', namespace),
    ip(underlay, 'link', 'set', 'op', 'master', 'br0'),
    ip(underlay, 'link', 'set', 'op', 'up'),
    ip(namespace, 'link', 'set', 'eth0', 'up'),
    ...addresses.map((address) => ip(namespace, 'addr', 'add', address, 'dev', 'eth0')),
  ];
  const natted = routers.filter((router) => router.natAddress !== null);
  if (toNat && natted.length > 0) {
    // The underlay routes the NATs' addresses; its address on the operator's side is a WAN gateway.
    const via = reachable.find((router) => router.gateway)?.gateway;
    if (!via)
      return {
        ok: false,
        error: `${natted[0]!.name} is behind NAT and no other router has a wan.gateway the operator could route through`,
      };
    for (const router of natted)
      commands.push(ip(namespace, 'route', 'add', `${router.natAddress}/32`, 'via', via));
  }
  const sshd = routers.map((router) => ({
    router: router.name,
    namespace: router.namespace,
    address: router.wan.split('/')[0]!,
    ...(router.natAddress ? { everyAddress: true as const } : {}),
    config: `${SSH_FOLDER}/${router.name}/sshd_config`,
    hostKey: `${SSH_FOLDER}/${router.name}/host_key`,
    pidFile: `run/sshd-${router.name}.pid`,
    log: `logs/sshd-${router.name}.log`,
  }));
  return {
    ok: true,
    access: {
      namespace,
      addresses,
      group: {
        title: `operator ${namespace}: on the underlay at ${addresses.join(', ')}; sshd on ${sshd.length} routers`,
        commands,
      },
      sshd,
      keys: SSH_FOLDER,
      identity: `${SSH_FOLDER}/operator`,
      authorizedKeys: `${SSH_FOLDER}/authorized_keys`,
    },
  };
}
