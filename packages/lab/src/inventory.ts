// What the lab publishes once it is up: every host it built and how to reach it (namespace, SSH
// address, port, user, key and host key), each router's root and its tunnels' commands and pid
// files. apply --lab and verify read this instead of wiring the lab again. It lives in the
// lab's state file, so it goes with `lab down`.

import { join } from 'node:path';
import { OPENVPN_DIR } from '@geostage/gen-vyos';
import type { LabSshAccess, LabState } from './state.ts';
import { loadState } from './state.ts';
import { type LabServer, routerRoot, type Wiring } from './wiring/wiring.ts';

/** How to reach a host over SSH from the operator namespace. */
export interface InventorySsh {
  /** The network namespace the TCP connection starts in. */
  from: string;
  address: string;
  port: number;
  user: string;
  /** Absolute path of the private key. */
  identity: string;
  /** The host's public key as sshd shows it, "ssh-ed25519 AAAA... comment". */
  hostKey: string;
  /**
   * Behind NAT: the hub whose tunnel the connection goes through (it starts in that hub's
   * namespace and goes to this router's end of the tunnel), so it works only once the tunnel is up.
   */
  via: string | null;
}

export interface InventoryTunnel {
  interface: string;
  tunnel: string;
  /** The full command line the lab started it with (`ip netns exec <ns> openvpn ...`). */
  command: string[];
  /** Absolute paths. */
  pidFile: string;
  log: string;
}

export interface InventoryRouter {
  name: string;
  site: string;
  namespace: string;
  /** WAN address with its length. */
  wan: string;
  /** The address the underlay sees when the site is behind NAT (apply cannot reach it then). */
  natAddress: string | null;
  /** Absolute folder the router's device paths live under. */
  root: string;
  ssh: InventorySsh | null;
  tunnels: InventoryTunnel[];
}

export interface LabInventory {
  /** The absolute lab folder. */
  folder: string;
  routers: InventoryRouter[];
  servers: LabServer[];
}

/**
 * How a router behind NAT is reached, as a real operator must: through its (first) hub's tunnel.
 * The connection starts in the hub's namespace and goes to the spoke's end of the tunnel, the
 * far address of the hub end's `ifconfig`.
 */
function throughHub(
  wiring: Wiring,
  spoke: string,
): { hub: string; namespace: string; address: string } | null {
  for (const end of wiring.tunnels.filter((one) => one.router === spoke)) {
    const hub = wiring.tunnels.find((one) => one.tunnel === end.tunnel && one.router !== spoke);
    const config =
      hub &&
      wiring.files.find(
        (file) => file.path === `${routerRoot(hub.router)}${OPENVPN_DIR}/${hub.interface}.conf`,
      );
    const address = config ? /^ifconfig\s+\S+\s+(\S+)/m.exec(config.content)?.[1] : undefined;
    if (hub && address) return { hub: hub.router, namespace: hub.namespace, address };
  }
  return null;
}

/** Pure: the wiring, the lab folder, the SSH access and each router's host key line in, the inventory out. */
export function labInventory(
  wiring: Wiring,
  folder: string,
  access: LabSshAccess | null,
  hostKeys: ReadonlyMap<string, string>,
): LabInventory {
  const routers = wiring.routers.map((router): InventoryRouter => {
    const sshd = access?.sshd.find((one) => one.router === router.name);
    const hostKey = hostKeys.get(router.name);
    const through = router.natAddress ? throughHub(wiring, router.name) : null;
    return {
      ...router,
      root: join(folder, routerRoot(router.name)),
      ssh:
        access && sshd && hostKey
          ? {
              from: through?.namespace ?? access.namespace,
              address: through?.address ?? sshd.address,
              port: 22,
              user: access.user,
              identity: join(folder, access.identity),
              hostKey,
              via: through?.hub ?? null,
            }
          : null,
      tunnels: wiring.tunnels
        .filter((tunnel) => tunnel.router === router.name)
        .map((tunnel) => ({
          interface: tunnel.interface,
          tunnel: tunnel.tunnel,
          command: tunnel.command,
          pidFile: join(folder, tunnel.pidFile),
          log: join(folder, tunnel.log),
        })),
    };
  });
  return { folder, routers, servers: wiring.servers };
}

/** Why there is no inventory to read: no lab, a lab that did not finish, or one made before inventories. */
export type InventoryFailure = { kind: 'no-lab' | 'incomplete' | 'outdated'; error: string };

/** The inventory of the lab of the environment in `environmentFolder`, with its state. */
export async function readInventory(
  environmentFolder: string,
  environment: string,
): Promise<{ ok: true; inventory: LabInventory; state: LabState } | ({ ok: false } & InventoryFailure)> {
  const read = await loadState(environmentFolder, environment);
  // A corrupt state is no usable lab; its message says so and what removes it.
  if (read.kind === 'corrupt') return { ok: false, kind: 'no-lab', error: read.error };
  const state = read.kind === 'state' ? read.state : null;
  if (!state)
    return {
      ok: false,
      kind: 'no-lab',
      error: `no lab of ${environment} is up; run geostage lab up ${environment}`,
    };
  if (!state.complete)
    return {
      ok: false,
      kind: 'incomplete',
      error: `no lab of ${environment} is up; run geostage lab up ${environment}`,
    };
  const again = `run geostage lab down ${environment} and lab up again`;
  if (!state.access)
    return {
      ok: false,
      kind: 'outdated',
      error: `the lab of ${environment} has no sshd (made by an older geostage); ${again}`,
    };
  if (!state.inventory)
    return {
      ok: false,
      kind: 'outdated',
      error: `the lab of ${environment} has no inventory (made by an older geostage); ${again}`,
    };
  return { ok: true, inventory: state.inventory, state };
}
