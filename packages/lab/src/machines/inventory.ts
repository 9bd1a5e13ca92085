// What a machines lab publishes for `geostage apply <env> --inventory`: environments/<env>/.lab/
// inventory.yaml in the inventory format of @geostage/environment (every router at its WAN
// address or its NAT's port forward, every server at its LAN address through its router, all
// from the lab's operator namespace with the lab's operator key), and known_hosts beside it,
// each line keyed by the host's name. Both go with `lab down`.
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { Document } from 'yaml';
import type { LabMachine } from './booted.ts';

export const INVENTORY_FILE = 'inventory.yaml';
export const KNOWN_HOSTS_FILE = 'known_hosts';

/** One host as the inventory file writes it (the shape of @geostage/environment's inventory). */
export interface InventoryHostEntry {
  address: string;
  port?: number;
  user?: string;
  jump?: string | null;
  platform?: 'vyos' | 'linux' | null;
}

/** The inventory file as data (the shape of @geostage/environment's `InventoryDocument`). */
export interface InventoryDocument {
  defaults: {
    user: string;
    port: number;
    identity: string | null;
    agent: boolean;
    namespace: string | null;
  };
  knownHosts: string;
  hosts: Record<string, InventoryHostEntry>;
}

export interface MachinesInventoryInput {
  environment: string;
  machines: readonly LabMachine[];
  /** Server -> its site's router (the jump host). */
  routerOf: ReadonlyMap<string, string>;
  operatorNamespace: string;
  /** Absolute path of the operator's private key. */
  identity: string;
  user: string;
}

/** Pure: the machines in, the inventory document out (routers first, then servers, in topology order). */
export function machinesInventory(input: MachinesInventoryInput): InventoryDocument {
  const hosts: Record<string, InventoryHostEntry> = {};
  for (const machine of input.machines) {
    const { address, port } = machine.probe;
    hosts[machine.host] =
      machine.role === 'router'
        ? // Every lab router is the Linux rendering of its topology entry (VyOS cannot boot here).
          { address, ...(port === 22 ? {} : { port }), platform: 'linux' }
        : { address, jump: input.routerOf.get(machine.host) ?? null };
  }
  return {
    defaults: {
      user: input.user,
      port: 22,
      identity: input.identity,
      agent: false,
      namespace: input.operatorNamespace,
    },
    knownHosts: KNOWN_HOSTS_FILE,
    hosts,
  };
}

/** The YAML text, with a header comment (what renderInventory of @geostage/environment writes). */
export function renderMachinesInventory(document: InventoryDocument, environment: string): string {
  const yaml = new Document(document);
  yaml.commentBefore = [
    ' geostage inventory: how apply reaches each host',
    ` Written by geostage lab up ${environment} --machines for its booted machines; removed by lab down.`,
    ` geostage apply ${environment} --inventory environments/${environment}/.lab/${INVENTORY_FILE}`,
  ].join('\n');
  return yaml.toString();
}

/** known_hosts lines keyed by host name (OpenSSH's HostKeyAlias), in the machines' order. */
export function knownHostsText(keys: readonly { host: string; key: string }[]): string {
  return keys.map(({ host, key }) => `${host} ${key}\n`).join('');
}

/** Writes inventory.yaml and known_hosts into the lab folder; their absolute paths. */
export async function writeMachinesInventory(
  lab: string,
  inventory: string,
  knownHosts: string,
): Promise<{ inventory: string; knownHosts: string }> {
  const paths = { inventory: join(lab, INVENTORY_FILE), knownHosts: join(lab, KNOWN_HOSTS_FILE) };
  await writeFileAtomic(paths.knownHosts, knownHosts, { mode: 0o644 });
  await writeFileAtomic(paths.inventory, inventory, { mode: 0o644 });
  return paths;
}
