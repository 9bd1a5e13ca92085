// systemd-networkd files read the way networkd reads them: `[Section]` headers and `Key=Value`
// entries with their lines, then the interfaces they configure. The Linux router's Device
// (linux.ts) is built on the same entries, and the lab reads its interfaces from here.
import { type InterfaceReading, type InterfaceSettings, newInterfaceSettings } from './interfaces.ts';

export interface NetworkdEntry {
  /** The section's name (`Network`), '' before the first header. */
  section: string;
  /** Which header it is under, counted from 1 (two [Route] sections are two routes). */
  block: number;
  key: string;
  value: string;
  /** 1-based. */
  line: number;
}

export interface NetworkdFile {
  entries: NetworkdEntry[];
  /** Lines that are neither a header, a comment nor key=value. */
  malformed: { line: number; text: string }[];
}

export function readNetworkdFile(text: string): NetworkdFile {
  const entries: NetworkdEntry[] = [];
  const malformed: NetworkdFile['malformed'] = [];
  let section = '';
  let block = 0;
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const raw = lines[index]!.trim();
    if (raw === '' || raw.startsWith('#') || raw.startsWith(';')) continue;
    const header = /^\[(\w+)\]$/.exec(raw);
    if (header) {
      section = header[1]!;
      block++;
      continue;
    }
    const equals = raw.indexOf('=');
    if (equals < 0) {
      malformed.push({ line: index + 1, text: raw });
      continue;
    }
    const key = raw.slice(0, equals).trim();
    entries.push({ section, block, key, value: raw.slice(equals + 1).trim(), line: index + 1 });
  }
  return { entries, malformed };
}

const valuesOf = (file: NetworkdFile, section: string, key: string): string[] =>
  file.entries.filter((entry) => entry.section === section && entry.key === key).map((entry) => entry.value);

/** `[Network] Gateway=` is a default route; each `[Route]` section with a Gateway= one route. */
function routesOf(file: NetworkdFile): InterfaceSettings['routes'] {
  const routes: InterfaceSettings['routes'] = valuesOf(file, 'Network', 'Gateway').map((via) => ({
    to: 'default',
    via,
  }));
  const blocks = new Map<number, { to: string; via: string | null }>();
  for (const entry of file.entries) {
    if (entry.section !== 'Route') continue;
    const route = blocks.get(entry.block) ?? { to: 'default', via: null };
    blocks.set(entry.block, route);
    if (entry.key === 'Destination') route.to = entry.value;
    else if (entry.key === 'Gateway') route.via = entry.value;
  }
  routes.push(...blocks.values());
  return routes;
}

/**
 * The interfaces configured by `files` (path -> content of network/*.network and *.netdev, in
 * the order given): parents first, then VLANs, each with its MTU, addresses and routes.
 */
export function readNetworkdInterfaces(files: ReadonlyMap<string, string>): InterfaceReading {
  const byName = new Map<string, InterfaceSettings>();
  const entry = (name: string) => {
    let found = byName.get(name);
    if (!found) {
      found = newInterfaceSettings(name, 'ethernet');
      byName.set(name, found);
    }
    return found;
  };
  const vlanIds = new Map<string, number>();
  const parents = new Map<string, string>();
  for (const [path, content] of files) {
    const file = readNetworkdFile(content);
    if (path.endsWith('.netdev')) {
      const [name] = valuesOf(file, 'NetDev', 'Name');
      const [kind] = valuesOf(file, 'NetDev', 'Kind');
      if (!name || kind !== 'vlan')
        return { ok: false, error: `${path}: only VLAN netdevs are understood, not Kind=${kind}` };
      const id = Number(valuesOf(file, 'VLAN', 'Id')[0]);
      if (!Number.isInteger(id)) return { ok: false, error: `${path}: VLAN netdev without Id` };
      vlanIds.set(name, id);
      const [mtu] = valuesOf(file, 'NetDev', 'MTUBytes');
      if (mtu) entry(name).mtu = Number(mtu);
    } else if (path.endsWith('.network')) {
      const [name] = valuesOf(file, 'Match', 'Name');
      if (!name) return { ok: false, error: `${path}: no [Match] Name=` };
      const target = entry(name);
      const [mtu] = valuesOf(file, 'Link', 'MTUBytes');
      if (mtu) target.mtu = Number(mtu);
      target.addresses.push(...valuesOf(file, 'Network', 'Address'), ...valuesOf(file, 'Address', 'Address'));
      target.routes.push(...routesOf(file));
      for (const vlan of valuesOf(file, 'Network', 'VLAN')) parents.set(vlan, name);
    }
  }
  for (const [name, id] of vlanIds) {
    const parent = parents.get(name);
    if (!parent)
      return {
        ok: false,
        error: `VLAN netdev ${name} is on no interface (no VLAN=${name} in a .network file)`,
      };
    const vlan = entry(name);
    vlan.kind = 'vlan';
    vlan.vlan = { parent, id };
  }
  const all = [...byName.values()];
  return {
    ok: true,
    interfaces: [...all.filter((found) => !found.vlan), ...all.filter((found) => found.vlan)],
  };
}
