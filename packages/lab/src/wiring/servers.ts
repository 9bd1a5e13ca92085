// Servers: one namespace each, on the site switch's bridge of its segment, with its netplan's
// addresses, MTU and routes applied with ip (netplan cannot apply inside a namespace).
import { readNetplanInterfaces } from '@geostage/reach';
import type { FileSet, Model, ModelSite } from '@geostage/schema';
import { ip, macOf, veth } from './commands.ts';
import { neighbourCommands } from './neighbours.ts';
import type { LanEnd, RouterLinks } from './router.ts';
import type { WiringDraft } from './wiring.ts';

export function serverWiring(
  draft: WiringDraft,
  model: Model,
  site: ModelSite,
  files: FileSet,
  links: RouterLinks,
  switchNs: string,
): void {
  const serverIndex = new Map(model.servers.map((server, index) => [server.name, index]));
  const commands: string[][] = [];
  const siteServers = model.servers.filter((server) => server.site === site.name);
  // Every end on each bridge (br<index>): the router's link first, then its servers.
  const bridges: LanEnd[][] = links.ends.map((end) => [end]);
  for (const server of siteServers) {
    const serverNs = draft.add('server', server.name);
    const segment = site.segments.find((candidate) => candidate.name === server.segment);
    const netplanFile = files.find((file) => file.path === `servers/${server.name}/netplan.yaml`);
    if (!segment || !netplanFile) {
      draft.errors.push(
        `${server.name}: ${!segment ? `no segment ${server.segment}` : 'no generated netplan.yaml'}`,
      );
      continue;
    }
    // The server's netplan, read by reach like every other device format.
    const netplan = readNetplanInterfaces(netplanFile.path, netplanFile.content);
    if (!netplan.ok) {
      draft.errors.push(`${server.name}: ${netplan.error}`);
      continue;
    }
    const unsupported = ['vlan', 'bond', 'bridge']
      .filter((kind) => netplan.interfaces.some((found) => found.kind === kind))
      .map((kind) => `${kind}s`);
    const ethernets = netplan.interfaces.filter((found) => found.kind === 'ethernet');
    if (unsupported.length > 0 || ethernets.length !== 1) {
      draft.errors.push(
        `${server.name}: the lab applies netplan with one ethernet only, not ${unsupported.join(', ') || `${ethernets.length} ethernets`}`,
      );
      continue;
    }
    const ethernet = ethernets[0]!;
    const name = ethernet.name;
    draft.interfaceName(name, server.name);
    const port = `p${serverIndex.get(server.name)}`;
    const lan = links.links.indexOf(links.linkOf(segment) ?? '');
    const mac = macOf(serverNs, name);
    bridges[lan]?.push({ namespace: serverNs, interface: name, mac, addresses: ethernet.addresses });
    commands.push(
      ...veth(serverNs, name, switchNs, port, ethernet.mtu ?? server.mtu, mac),
      ip(switchNs, 'link', 'set', port, 'master', `br${lan}`),
    );
    for (const address of ethernet.addresses)
      commands.push(ip(serverNs, 'addr', 'add', address, 'dev', name));
    // Booted machines: what the installer set, the address and a default route via the router;
    // the netplan's own routes come with apply.
    const routes =
      draft.provision === 'installer' ? [{ to: 'default', via: segment.gateway }] : ethernet.routes;
    for (const route of routes) {
      commands.push(
        ip(serverNs, 'route', 'add', route.to, ...(route.via === null ? ['dev', name] : ['via', route.via])),
      );
    }
    draft.servers.push({
      name: server.name,
      site: site.name,
      router: site.router.name,
      namespace: serverNs,
      address: server.address,
    });
  }
  // Booted machines resolve their neighbours themselves, as the machines they stand for would.
  if (draft.provision === 'configured') for (const ends of bridges) commands.push(...neighbourCommands(ends));
  if (siteServers.length > 0) {
    draft.groups.push({
      title: `${site.name}: ${siteServers.length} server${siteServers.length === 1 ? '' : 's'} (${siteServers.map((server) => server.name).join(', ')})`,
      commands,
    });
  }
}
