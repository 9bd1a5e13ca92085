// Reads a Linux router's generated systemd-networkd files the way networkd would, for the
// interfaces the lab must create itself (networkd does not run inside a namespace): VLAN
// netdevs on their parent, MTUs and addresses.
export interface NetworkdInterface {
  name: string;
  /** Set for a VLAN netdev: the interface it is tagged on. */
  vlan: { parent: string; id: number } | null;
  mtu: number | null;
  addresses: string[];
}

type Sections = Map<string, [string, string][]>;

function sections(content: string): Sections {
  const found: Sections = new Map();
  let current: [string, string][] | null = null;
  for (const raw of content.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      current = found.get(header[1]!) ?? [];
      found.set(header[1]!, current);
      continue;
    }
    const equals = line.indexOf('=');
    if (current && equals > 0) current.push([line.slice(0, equals).trim(), line.slice(equals + 1).trim()]);
  }
  return found;
}

const values = (found: Sections, section: string, key: string) =>
  (found.get(section) ?? []).filter(([name]) => name === key).map(([, value]) => value);

/** The interfaces of `files` (path -> content of network/*.network and *.netdev), parents first. */
export function readNetworkd(
  files: readonly { path: string; content: string }[],
): NetworkdInterface[] | string {
  const byName = new Map<string, NetworkdInterface>();
  const entry = (name: string) => {
    let found = byName.get(name);
    if (!found) {
      found = { name, vlan: null, mtu: null, addresses: [] };
      byName.set(name, found);
    }
    return found;
  };
  const vlanIds = new Map<string, number>();
  const parents = new Map<string, string>();
  for (const file of files) {
    const found = sections(file.content);
    if (file.path.endsWith('.netdev')) {
      const [name] = values(found, 'NetDev', 'Name');
      const [kind] = values(found, 'NetDev', 'Kind');
      if (!name || kind !== 'vlan') return `${file.path}: only VLAN netdevs are understood, not Kind=${kind}`;
      const id = Number(values(found, 'VLAN', 'Id')[0]);
      if (!Number.isInteger(id)) return `${file.path}: VLAN netdev without Id`;
      vlanIds.set(name, id);
      const [mtu] = values(found, 'NetDev', 'MTUBytes');
      if (mtu) entry(name).mtu = Number(mtu);
    } else if (file.path.endsWith('.network')) {
      const [name] = values(found, 'Match', 'Name');
      if (!name) return `${file.path}: no [Match] Name=`;
      const target = entry(name);
      const [mtu] = values(found, 'Link', 'MTUBytes');
      if (mtu) target.mtu = Number(mtu);
      target.addresses.push(...values(found, 'Network', 'Address'));
      for (const vlan of values(found, 'Network', 'VLAN')) parents.set(vlan, name);
    }
  }
  for (const [name, id] of vlanIds) {
    const parent = parents.get(name);
    if (!parent) return `VLAN netdev ${name} is on no interface (no VLAN=${name} in a .network file)`;
    entry(name).vlan = { parent, id };
  }
  const all = [...byName.values()];
  return [...all.filter((found) => !found.vlan), ...all.filter((found) => found.vlan)];
}
