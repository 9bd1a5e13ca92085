// One router per site: its generated files installed under a root of its own, its LAN links
// (as its networkd files say) to the site switch, its WAN on the underlay or behind the site's
// NAT, then the generated sysctl and nftables loaded inside its namespace.
import { linuxDevicePath, OPENVPN_DIR } from '@geostage/gen-vyos';
import { type InterfaceSettings, readNetworkdInterfaces } from '@geostage/reach';
import type { FileSet, ModelSegment, ModelSite } from '@geostage/schema';
import { inside, ip, macOf, veth } from './commands.ts';
import { type NatAddresses, natWiring } from './nat.ts';
import type { LabFile, WiringDraft } from './wiring.ts';

/** Where a router's files are installed: a small root file system of its own. */
export const routerRoot = (router: string) => `routers/${router}`;

const DEFAULT_MTU = 1500;

/**
 * How one generated router file is installed in the lab: under the router's root, where the
 * device keeps it; null when the lab does not use it (networkd and systemd: `lab up` sets the
 * LAN with ip, and a namespace has no systemd). apply --lab uploads by the same rule.
 */
export function labInstalledFile(
  router: string,
  relative: string,
  content: string,
  mode: number,
): LabFile | null {
  const device = linuxDevicePath(relative);
  if (!device || relative.startsWith('network/') || relative.startsWith('systemd/')) return null;
  // OpenVPN runs with --cd into the installed folder, so its configs name files relatively.
  const installed = relative.startsWith('openvpn/') ? content.replaceAll(`${OPENVPN_DIR}/`, '') : content;
  return { path: `${routerRoot(router)}${device}`, content: installed, mode };
}

/** The router's files, installed where the device keeps them, under its own root. */
export function routerFiles(draft: WiringDraft, router: string, own: FileSet): void {
  const base = `routers/${router}/`;
  for (const file of own) {
    const installed = labInstalledFile(router, file.path.slice(base.length), file.content, file.mode);
    if (installed) draft.files.push(installed);
  }
}

/** One end on a site switch's bridge: what its neighbours on that bridge know it by. */
export interface LanEnd {
  namespace: string;
  interface: string;
  mac: string;
  /** address/length, as configured. */
  addresses: readonly string[];
}

/** Which LAN link carries a segment: its interface, or a tagged segment's VLAN interface. */
export interface RouterLinks {
  links: string[];
  linkOf(segment: ModelSegment): string | undefined;
  /** The router's end of each link, by the link's index (its bridge is br<index>). */
  ends: LanEnd[];
}

/**
 * Router LAN side, as its networkd files say. Each LAN link is a veth from the router to a
 * bridge of its own in the site switch. A tagged segment's VLAN interface (eth1.110) is such a
 * link too, not an 802.1Q device on eth1: same names, addresses and routes, without needing the
 * kernel's 8021q module (absent on some kernels, this project's CI among them).
 */
export function routerLan(
  draft: WiringDraft,
  site: ModelSite,
  own: FileSet,
  routerNs: string,
  switchNs: string,
  commands: string[][],
): RouterLinks | null {
  const router = site.router;
  // The router's networkd files, read by reach: the house's one reader of device formats.
  const reading = readNetworkdInterfaces(
    new Map(
      own
        .filter((file) => file.path.startsWith(`routers/${router.name}/network/`))
        .map((file) => [file.path, file.content]),
    ),
  );
  if (!reading.ok) {
    draft.errors.push(`${router.name}: ${reading.error}`);
    return null;
  }
  const networkd = reading.interfaces;
  const linkOf = (segment: ModelSegment) =>
    segment.tagged
      ? networkd.find((found) => found.vlan?.parent === segment.interface && found.vlan.id === segment.vlan)
          ?.name
      : segment.interface;
  const lanInterfaces = site.segments.map((segment) => segment.interface);
  const ends: LanEnd[] = [];
  for (const segment of site.segments) {
    if (!linkOf(segment))
      draft.errors.push(`${router.name}: no VLAN interface for tagged segment ${segment.name}`);
  }
  networkd.forEach((found: InterfaceSettings, index) => {
    draft.interfaceName(found.name, router.name);
    if (!found.vlan && !lanInterfaces.includes(found.name))
      draft.errors.push(
        `${router.name}: networkd names ${found.name}, which is no LAN interface of ${site.name}`,
      );
    const served = site.segments.filter((segment) => linkOf(segment) === found.name);
    const mtu = found.mtu ?? Math.max(DEFAULT_MTU, ...served.map((segment) => segment.mtu));
    const mac = macOf(routerNs, found.name);
    ends.push({ namespace: routerNs, interface: found.name, mac, addresses: found.addresses });
    commands.push(
      ip(switchNs, 'link', 'add', `br${index}`, 'type', 'bridge'),
      ip(switchNs, 'link', 'set', `br${index}`, 'up'),
      ...veth(routerNs, found.name, switchNs, `t${index}`, mtu, mac),
      ip(switchNs, 'link', 'set', `t${index}`, 'master', `br${index}`),
      ...found.addresses.map((address) => ip(routerNs, 'addr', 'add', address, 'dev', found.name)),
    );
  });
  return { links: networkd.map((found) => found.name), linkOf, ends };
}

/**
 * Router WAN: on the underlay bridge, or behind the site's NAT; then its address, default route,
 * sysctl and nftables. The router's group is pushed here, after the NAT's. False when the site
 * cannot be wired (a NAT without gateway).
 */
export function routerWan(
  draft: WiringDraft,
  site: ModelSite,
  nat: NatAddresses | null,
  routerNs: string,
  switchNs: string,
  underlay: string,
  commands: string[][],
): boolean {
  const router = site.router;
  const wan = router.wan;
  const root = `${draft.folder}/${routerRoot(router.name)}`;
  draft.interfaceName(wan.interface, router.name);
  if (wan.nat) {
    if (!natWiring(draft, site, nat!, routerNs, underlay)) return false;
  } else {
    commands.push(
      ...veth(routerNs, wan.interface, underlay, `w${site.id}`, wan.mtu),
      ip(underlay, 'link', 'set', `w${site.id}`, 'master', 'br0'),
    );
  }
  commands.push(ip(routerNs, 'addr', 'add', wan.address, 'dev', wan.interface));
  if (wan.gateway) commands.push(ip(routerNs, 'route', 'add', 'default', 'via', wan.gateway));
  if (draft.provision === 'configured')
    commands.push(
      inside(routerNs, 'sysctl', '-q', '-p', `${root}/etc/sysctl.d/90-geostage.conf`),
      inside(routerNs, 'nft', '-f', `${root}/etc/nftables.conf`),
    );
  draft.routers.push({
    name: router.name,
    site: site.name,
    namespace: routerNs,
    wan: wan.address,
    natAddress: wan.nat ? nat!.nat : null,
  });
  draft.groups.push({
    title: `${site.name}: router ${routerNs} (${wan.address}${wan.nat ? ', behind NAT' : ''}), switch ${switchNs}`,
    commands,
  });
  return true;
}
