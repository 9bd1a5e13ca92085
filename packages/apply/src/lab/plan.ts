// What `lab up` does, as plain data: the namespaces, the files to install, every `ip`/`bridge`/
// `sysctl`/`nft` command in order, and the OpenVPN processes. Pure: the Linux flavour of the
// Model and its generated files in, a plan out; up.ts runs it. The layout:
//
//   underlay  one namespace, bridge br0: every router's WAN, the WAN gateways as addresses
//   router    one per site: WAN veth to the underlay (or to its NAT), LAN trunk veth(s) to the
//             site switch, the generated sysctl, nftables and OpenVPN files
//   nat       sites with wan.nat: a namespace at the router's WAN gateway that masquerades to
//             the underlay and drops every connection that starts outside
//   switch    one per site: a bridge per router LAN link (an interface, or a tagged segment's
//             VLAN interface); each server on the bridge of its segment
//   server    one per server: its netplan addresses, MTU and routes, applied with `ip`

import { linuxDevicePath, OPENVPN_DIR } from '@geostage/gen-vyos';
import {
  type FileSet,
  integerToAddress,
  type Model,
  type ModelSegment,
  overlaps,
  parsePrefix,
} from '@geostage/schema';
import { parse } from 'yaml';
import { MAX_INTERFACE_NAME, type NamespaceRole, namespaceName } from './names.ts';
import { readNetworkd } from './networkd.ts';

export interface LabNamespace {
  name: string;
  role: NamespaceRole;
  /** The router, server or site it stands for ('' for the underlay). */
  of: string;
}

export interface LabFile {
  /** Relative to the lab folder. */
  path: string;
  content: string;
  mode: number;
}

export interface LabPhase {
  /** One progress line. */
  title: string;
  commands: string[][];
}

export interface LabTunnelProcess {
  router: string;
  namespace: string;
  interface: string;
  tunnel: string;
  /** The full command line; openvpn daemonizes and writes its pid to `pidFile`. */
  command: string[];
  /** Relative to the lab folder. */
  log: string;
  pidFile: string;
}

export interface LabRouter {
  name: string;
  site: string;
  namespace: string;
  wan: string;
  /** The address the site's NAT shows the underlay, when the site is behind NAT. */
  natAddress: string | null;
}

export interface LabServer {
  name: string;
  site: string;
  router: string;
  namespace: string;
  address: string;
}

export interface LabPlan {
  prefix: string;
  namespaces: LabNamespace[];
  files: LabFile[];
  phases: LabPhase[];
  tunnels: LabTunnelProcess[];
  routers: LabRouter[];
  servers: LabServer[];
}

export interface LabInput {
  /** The Linux flavour of the Model (flavour.ts). */
  model: Model;
  /** generateLinuxRouters(model) and generateNetplan(model): paths relative to generated/network. */
  files: FileSet;
  prefix: string;
  /** Absolute lab folder (environments/<env>/.lab): commands name files in it. */
  folder: string;
}

/** Where a router's files are installed: a small root file system of its own. */
export const routerRoot = (router: string) => `routers/${router}`;

// The NAT's own address on the underlay: 100.64.0.0/10 is the shared address space of carrier
// NAT (RFC 6598); one /30 per NATed site, skipping anything the topology uses.
const NAT_SPACE = parsePrefix('100.64.0.0/10');

const NAT_RULESET = `#!/usr/sbin/nft -f
# geostage lab: the NAT in front of a site. Everything the site sends to the underlay leaves
# from this namespace's address; nothing the underlay starts gets in.
flush ruleset

table ip geostage-nat {
	chain forward {
		type filter hook forward priority filter; policy accept;
		iifname "wan" ct state established,related accept
		iifname "wan" drop
	}

	chain postrouting {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "wan" masquerade
	}
}
`;

const ip = (namespace: string, ...args: (string | number)[]) => ['ip', '-n', namespace, ...args.map(String)];
const inside = (namespace: string, ...args: string[]) => ['ip', 'netns', 'exec', namespace, ...args];

/** A veth pair made inside namespace `a`, its peer moved straight into `b`: nothing on the host. */
function veth(a: string, nameA: string, b: string, nameB: string, mtu: number): string[][] {
  return [
    ip(a, 'link', 'add', nameA, 'mtu', mtu, 'type', 'veth', 'peer', 'name', nameB, 'mtu', mtu, 'netns', b),
    ip(a, 'link', 'set', nameA, 'up'),
    ip(b, 'link', 'set', nameB, 'up'),
  ];
}

function natAddresses(model: Model, count: number): { underlay: string; nat: string }[] | string {
  const used = [
    ...model.sites.flatMap((site) => [site.router.wan.prefix, ...site.segments.map((s) => s.prefix)]),
    model.vpn.pool,
  ].map(parsePrefix);
  const found: { underlay: string; nat: string }[] = [];
  const end = NAT_SPACE.network + 2 ** (32 - NAT_SPACE.length);
  for (let network = NAT_SPACE.network; network < end && found.length < count; network += 4) {
    if (used.some((prefix) => overlaps(prefix, { network, length: 30 }))) continue;
    found.push({ underlay: integerToAddress(network + 1), nat: integerToAddress(network + 2) });
  }
  return found.length === count ? found : 'no free /30 in 100.64.0.0/10 for the NAT namespaces';
}

const DEFAULT_MTU = 1500;

const lengthOf = (prefix: string) => prefix.split('/')[1]!;

interface NetplanEthernet {
  mtu?: number;
  addresses?: string[];
  routes?: { to: string; via: string }[];
}

export function planLab(input: LabInput): { ok: true; plan: LabPlan } | { ok: false; errors: string[] } {
  const { model, files, prefix, folder } = input;
  const errors: string[] = [];
  const namespaces: LabNamespace[] = [];
  const add = (role: NamespaceRole, of: string) => {
    const name = namespaceName(prefix, role, of);
    namespaces.push({ name, role, of });
    return name;
  };
  const interfaceName = (name: string, where: string) => {
    if (name.length > MAX_INTERFACE_NAME)
      errors.push(`${where}: interface name ${name} is longer than ${MAX_INTERFACE_NAME} characters`);
    return name;
  };
  const labFiles: LabFile[] = [];
  const phases: LabPhase[] = [];
  const tunnels: LabTunnelProcess[] = [];
  const routers: LabRouter[] = [];
  const servers: LabServer[] = [];

  const underlay = add('underlay', '');
  const natSites = model.sites.filter((site) => site.router.wan.nat);
  const nat = natAddresses(model, natSites.length);
  if (typeof nat === 'string') return { ok: false, errors: [nat] };

  // The underlay: one bridge for every WAN, the WAN gateways as its addresses, forwarding
  // between them (the internet, as far as the routers can tell), no redirects.
  const underlayCommands = [
    ip(underlay, 'link', 'add', 'br0', 'type', 'bridge'),
    ip(underlay, 'link', 'set', 'br0', 'up'),
    inside(
      underlay,
      'sysctl',
      '-q',
      '-w',
      'net.ipv4.ip_forward=1',
      'net.ipv4.conf.all.send_redirects=0',
      'net.ipv4.conf.default.send_redirects=0',
    ),
  ];
  const gateways = new Set<string>();
  const wanHosts = new Set(model.sites.map((site) => site.router.wan.host));
  for (const site of model.sites) {
    const wan = site.router.wan;
    if (wan.nat || !wan.gateway) continue;
    if (wanHosts.has(wan.gateway)) {
      errors.push(`${site.router.name}: WAN gateway ${wan.gateway} is another router's WAN address`);
      continue;
    }
    gateways.add(`${wan.gateway}/${lengthOf(wan.address)}`);
  }
  for (const gateway of [...gateways].sort())
    underlayCommands.push(ip(underlay, 'addr', 'add', gateway, 'dev', 'br0'));
  phases.push({
    title: `underlay ${underlay}: bridge br0${gateways.size ? `, gateways ${[...gateways].sort().join(', ')}` : ''}`,
    commands: underlayCommands,
  });

  const serverIndex = new Map(model.servers.map((server, index) => [server.name, index]));
  for (const site of model.sites) {
    const router = site.router;
    const routerNs = add('router', router.name);
    const switchNs = add('switch', site.name);
    const commands: string[][] = [];
    const root = `${folder}/${routerRoot(router.name)}`;

    // The router's files, installed where the device keeps them, under its own root.
    const base = `routers/${router.name}/`;
    const own = files.filter((file) => file.path.startsWith(base));
    for (const file of own) {
      const relative = file.path.slice(base.length);
      const device = linuxDevicePath(relative);
      if (!device || relative.startsWith('network/') || relative.startsWith('systemd/')) continue;
      // OpenVPN runs with --cd into the installed folder, so its configs name files relatively.
      const content = relative.startsWith('openvpn/')
        ? file.content.replaceAll(`${OPENVPN_DIR}/`, '')
        : file.content;
      labFiles.push({ path: `${routerRoot(router.name)}${device}`, content, mode: file.mode });
    }

    // Router LAN side, as its networkd files say. Each LAN link is a veth from the router to a
    // bridge of its own in the site switch. A tagged segment's VLAN interface (eth1.110) is such
    // a link too, not an 802.1Q device on eth1: same names, addresses and routes, without
    // needing the kernel's 8021q module (absent on some kernels, this project's CI among them).
    const networkd = readNetworkd(own.filter((file) => file.path.startsWith(`${base}network/`)));
    if (typeof networkd === 'string') {
      errors.push(`${router.name}: ${networkd}`);
      continue;
    }
    const linkOf = (segment: ModelSegment) =>
      segment.tagged
        ? networkd.find((found) => found.vlan?.parent === segment.interface && found.vlan.id === segment.vlan)
            ?.name
        : segment.interface;
    const lanInterfaces = site.segments.map((segment) => segment.interface);
    const links = networkd.map((found) => found.name);
    for (const segment of site.segments) {
      if (!linkOf(segment))
        errors.push(`${router.name}: no VLAN interface for tagged segment ${segment.name}`);
    }
    networkd.forEach((found, index) => {
      interfaceName(found.name, router.name);
      if (!found.vlan && !lanInterfaces.includes(found.name))
        errors.push(
          `${router.name}: networkd names ${found.name}, which is no LAN interface of ${site.name}`,
        );
      const served = site.segments.filter((segment) => linkOf(segment) === found.name);
      const mtu = found.mtu ?? Math.max(DEFAULT_MTU, ...served.map((segment) => segment.mtu));
      commands.push(
        ip(switchNs, 'link', 'add', `br${index}`, 'type', 'bridge'),
        ip(switchNs, 'link', 'set', `br${index}`, 'up'),
        ...veth(routerNs, found.name, switchNs, `t${index}`, mtu),
        ip(switchNs, 'link', 'set', `t${index}`, 'master', `br${index}`),
        ...found.addresses.map((address) => ip(routerNs, 'addr', 'add', address, 'dev', found.name)),
      );
    });

    // Router WAN: on the underlay bridge, or behind the site's NAT.
    const wan = router.wan;
    interfaceName(wan.interface, router.name);
    let natAddress: string | null = null;
    if (wan.nat) {
      const addresses = nat[natSites.indexOf(site)]!;
      natAddress = addresses.nat;
      if (!wan.gateway) {
        errors.push(
          `${router.name}: behind NAT without wan.gateway; the lab puts the NAT at the gateway address`,
        );
        continue;
      }
      const natNs = add('nat', site.name);
      const ruleset = `nat/${site.name}.nft`;
      labFiles.push({ path: ruleset, content: NAT_RULESET, mode: 0o644 });
      phases.push({
        title: `${site.name}: NAT ${natNs} at ${wan.gateway}, seen on the underlay as ${addresses.nat}`,
        commands: [
          ...veth(natNs, 'lan', routerNs, wan.interface, wan.mtu),
          ip(natNs, 'addr', 'add', `${wan.gateway}/${lengthOf(wan.address)}`, 'dev', 'lan'),
          ...veth(natNs, 'wan', underlay, `n${site.id}`, wan.mtu),
          ip(underlay, 'addr', 'add', `${addresses.underlay}/30`, 'dev', `n${site.id}`),
          ip(natNs, 'addr', 'add', `${addresses.nat}/30`, 'dev', 'wan'),
          ip(natNs, 'route', 'add', 'default', 'via', addresses.underlay),
          inside(natNs, 'sysctl', '-q', '-w', 'net.ipv4.ip_forward=1'),
          inside(natNs, 'nft', '-f', `${folder}/${ruleset}`),
        ],
      });
    } else {
      commands.push(
        ...veth(routerNs, wan.interface, underlay, `w${site.id}`, wan.mtu),
        ip(underlay, 'link', 'set', `w${site.id}`, 'master', 'br0'),
      );
    }
    commands.push(ip(routerNs, 'addr', 'add', wan.address, 'dev', wan.interface));
    if (wan.gateway) commands.push(ip(routerNs, 'route', 'add', 'default', 'via', wan.gateway));
    commands.push(
      inside(routerNs, 'sysctl', '-q', '-p', `${root}/etc/sysctl.d/90-geostage.conf`),
      inside(routerNs, 'nft', '-f', `${root}/etc/nftables.conf`),
    );
    routers.push({ name: router.name, site: site.name, namespace: routerNs, wan: wan.address, natAddress });
    phases.push({
      title: `${site.name}: router ${routerNs} (${wan.address}${wan.nat ? ', behind NAT' : ''}), switch ${switchNs}`,
      commands,
    });

    // Servers: netplan's values, applied with ip (netplan cannot apply inside a namespace).
    const serverCommands: string[][] = [];
    const siteServers = model.servers.filter((server) => server.site === site.name);
    for (const server of siteServers) {
      const serverNs = add('server', server.name);
      const segment = site.segments.find((candidate) => candidate.name === server.segment);
      const netplanFile = files.find((file) => file.path === `servers/${server.name}/netplan.yaml`);
      if (!segment || !netplanFile) {
        errors.push(
          `${server.name}: ${!segment ? `no segment ${server.segment}` : 'no generated netplan.yaml'}`,
        );
        continue;
      }
      const network = (parse(netplanFile.content) as { network?: Record<string, unknown> }).network ?? {};
      const unsupported = ['vlans', 'bonds', 'bridges'].filter((key) => key in network);
      const ethernets = Object.entries((network.ethernets ?? {}) as Record<string, NetplanEthernet>);
      if (unsupported.length > 0 || ethernets.length !== 1) {
        errors.push(
          `${server.name}: the lab applies netplan with one ethernet only, not ${unsupported.join(', ') || `${ethernets.length} ethernets`}`,
        );
        continue;
      }
      const [name, ethernet] = ethernets[0]!;
      interfaceName(name, server.name);
      const port = `p${serverIndex.get(server.name)}`;
      const lan = links.indexOf(linkOf(segment) ?? '');
      serverCommands.push(
        ...veth(serverNs, name, switchNs, port, ethernet.mtu ?? server.mtu),
        ip(switchNs, 'link', 'set', port, 'master', `br${lan}`),
      );
      for (const address of ethernet.addresses ?? [])
        serverCommands.push(ip(serverNs, 'addr', 'add', address, 'dev', name));
      for (const route of ethernet.routes ?? []) {
        serverCommands.push(
          ip(serverNs, 'route', 'add', route.to === 'default' ? 'default' : route.to, 'via', route.via),
        );
      }
      servers.push({
        name: server.name,
        site: site.name,
        router: router.name,
        namespace: serverNs,
        address: server.address,
      });
    }
    if (siteServers.length > 0) {
      phases.push({
        title: `${site.name}: ${siteServers.length} server${siteServers.length === 1 ? '' : 's'} (${siteServers.map((server) => server.name).join(', ')})`,
        commands: serverCommands,
      });
    }

    // One openvpn per tunnel end, started last (up.ts), with the generated config.
    for (const tunnel of model.tunnels) {
      const end =
        tunnel.a.router === router.name ? tunnel.a : tunnel.b.router === router.name ? tunnel.b : null;
      if (!end) continue;
      const log = `logs/${router.name}-${end.interface}.log`;
      const pidFile = `run/${router.name}-${end.interface}.pid`;
      tunnels.push({
        router: router.name,
        namespace: routerNs,
        interface: end.interface,
        tunnel: tunnel.name,
        log,
        pidFile,
        command: inside(
          routerNs,
          'openvpn',
          '--cd',
          `${root}${OPENVPN_DIR}`,
          '--config',
          `${end.interface}.conf`,
          '--daemon',
          '--log',
          `${folder}/${log}`,
          '--writepid',
          `${folder}/${pidFile}`,
        ),
      });
    }
  }
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    plan: { prefix, namespaces, files: labFiles, phases, tunnels, routers, servers },
  };
}
