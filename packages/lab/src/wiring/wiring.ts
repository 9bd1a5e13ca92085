// What `lab up` builds, as plain data: the namespaces, the files to install, every `ip`/`bridge`/
// `sysctl`/`nft` command in order (in groups, one progress line each), and the OpenVPN
// processes. Pure: the Linux flavour of the Model and its generated files in, the wiring out;
// up.ts runs it. The layout, one file per part:
//
//   underlay  one namespace, bridge br0: every router's WAN, the WAN gateways as addresses
//   router    one per site: WAN veth to the underlay (or to its NAT), LAN trunk veth(s) to the
//             site switch, the generated sysctl, nftables and OpenVPN files
//   nat       sites with wan.nat: a namespace at the router's WAN gateway that masquerades to
//             the underlay and drops every connection that starts outside
//   switch    one per site: a bridge per router LAN link (an interface, or a tagged segment's
//             VLAN interface); each server on the bridge of its segment
//   servers   one per server: its netplan addresses, MTU and routes, applied with `ip`
//   tunnels   one openvpn process per tunnel end
//
// With `provision: 'installer'` (booted machines) the routers get no generated file and no
// openvpn, and the servers only their address and default route: apply brings the rest.
import type { FileSet, Model } from '@geostage/schema';
import { MAX_INTERFACE_NAME, type NamespaceRole, namespaceName } from '../names.ts';
import { natAddresses } from './nat.ts';
import { routerFiles, routerLan, routerWan } from './router.ts';
import { serverWiring } from './servers.ts';
import { tunnelProcesses } from './tunnels.ts';
import { underlayGroup } from './underlay.ts';

export { NAT_SSH_PORT, natRuleset } from './nat.ts';
export { labInstalledFile, routerRoot } from './router.ts';

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

/** Commands run together under one progress line ("plan" and "phase" are apply's words). */
export interface WiringGroup {
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

export interface Wiring {
  prefix: string;
  namespaces: LabNamespace[];
  files: LabFile[];
  groups: WiringGroup[];
  tunnels: LabTunnelProcess[];
  routers: LabRouter[];
  servers: LabServer[];
}

/**
 * What the lab sets up itself. 'configured' (the namespace lab): everything, the generated
 * router files loaded and one openvpn per tunnel end. 'installer' (booted machines): only what a
 * site admin has before geostage (the links, each router's WAN address and default route, its LAN
 * gateway address, each server's LAN address and default route, a port forward on a site's NAT to
 * its router's SSH); geostage apply does the rest over SSH.
 */
export type Provision = 'configured' | 'installer';

export interface WiringInput {
  /** The Linux flavour of the Model (flavour.ts). */
  model: Model;
  /** generateLinuxRouters(model) and generateNetplan(model): paths relative to generated/network. */
  files: FileSet;
  prefix: string;
  /** Absolute lab folder (environments/<env>/.lab): commands name files in it. */
  folder: string;
  /** 'configured' unless said. */
  provision?: Provision;
}

/** The wiring as it is being built by the parts, with the errors found on the way. */
export interface WiringDraft extends Wiring {
  folder: string;
  provision: Provision;
  errors: string[];
  /** Records a namespace of this role and returns its name. */
  add(role: NamespaceRole, of: string): string;
  /** Records an error when `name` is too long for Linux; returns it. */
  interfaceName(name: string, where: string): string;
}

function draftFor(prefix: string, folder: string, provision: Provision): WiringDraft {
  const draft: WiringDraft = {
    prefix,
    folder,
    provision,
    namespaces: [],
    files: [],
    groups: [],
    tunnels: [],
    routers: [],
    servers: [],
    errors: [],
    add: (role, of) => {
      const name = namespaceName(prefix, role, of);
      draft.namespaces.push({ name, role, of });
      return name;
    },
    interfaceName: (name, where) => {
      if (name.length > MAX_INTERFACE_NAME)
        draft.errors.push(`${where}: interface name ${name} is longer than ${MAX_INTERFACE_NAME} characters`);
      return name;
    },
  };
  return draft;
}

export function labWiring(
  input: WiringInput,
): { ok: true; wiring: Wiring } | { ok: false; errors: string[] } {
  const { model, files, prefix, folder } = input;
  const draft = draftFor(prefix, folder, input.provision ?? 'configured');
  const underlay = draft.add('underlay', '');
  const natSites = model.sites.filter((site) => site.router.wan.nat);
  const nat = natAddresses(model, natSites.length);
  if (typeof nat === 'string') return { ok: false, errors: [nat] };
  draft.groups.push(underlayGroup(draft, model, underlay));

  for (const site of model.sites) {
    const router = site.router;
    const routerNs = draft.add('router', router.name);
    const switchNs = draft.add('switch', site.name);
    const own = files.filter((file) => file.path.startsWith(`routers/${router.name}/`));
    if (draft.provision === 'configured') routerFiles(draft, router.name, own);
    const commands: string[][] = [];
    const links = routerLan(draft, site, own, routerNs, switchNs, commands);
    if (!links) continue;
    const siteNat = router.wan.nat ? nat[natSites.indexOf(site)]! : null;
    if (!routerWan(draft, site, siteNat, routerNs, switchNs, underlay, commands)) continue;
    serverWiring(draft, model, site, files, links, switchNs);
    if (draft.provision === 'configured') tunnelProcesses(draft, model, router, routerNs);
  }
  if (draft.errors.length > 0) return { ok: false, errors: draft.errors };
  const { namespaces, files: labFiles, groups, tunnels, routers, servers } = draft;
  return { ok: true, wiring: { prefix, namespaces, files: labFiles, groups, tunnels, routers, servers } };
}
