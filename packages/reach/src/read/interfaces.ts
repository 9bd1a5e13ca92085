// An interface as a device's own files configure it, in the words `ip` takes: what the lab
// creates inside a namespace, where neither networkd nor netplan runs. Filled by the networkd
// and netplan readers; reach's forwarding model reads the same files into a Device instead.

export interface InterfaceSettings {
  /** eth1, eth1.110, ens160. */
  name: string;
  /** A networkd link without a .netdev is taken as an ethernet. */
  kind: 'ethernet' | 'vlan' | 'bond' | 'bridge';
  /** For a VLAN: the interface it is tagged on, and its id. */
  vlan: { parent: string; id: number } | null;
  mtu: number | null;
  /** As written: `10.0.7.1/24`. */
  addresses: string[];
  /** `to` is `default` or a prefix as written; `via` the next hop, null for an on-link route. */
  routes: { to: string; via: string | null }[];
}

/** The interfaces of one device, or why its files cannot be read as interfaces. */
export type InterfaceReading = { ok: true; interfaces: InterfaceSettings[] } | { ok: false; error: string };

export function newInterfaceSettings(name: string, kind: InterfaceSettings['kind']): InterfaceSettings {
  return { name, kind, vlan: null, mtu: null, addresses: [], routes: [] };
}
