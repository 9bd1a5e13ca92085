// Servers: one namespace each, on the site switch's bridge of its segment, with its netplan's
// addresses, MTU and routes applied with ip (netplan cannot apply inside a namespace).
import type { FileSet, Model, ModelSite } from '@geostage/schema';
import { parse } from 'yaml';
import { ip, veth } from './commands.ts';
import type { RouterLinks } from './router.ts';
import type { WiringDraft } from './wiring.ts';

interface NetplanEthernet {
  mtu?: number;
  addresses?: string[];
  routes?: { to: string; via: string }[];
}

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
    const network = (parse(netplanFile.content) as { network?: Record<string, unknown> }).network ?? {};
    const unsupported = ['vlans', 'bonds', 'bridges'].filter((key) => key in network);
    const ethernets = Object.entries((network.ethernets ?? {}) as Record<string, NetplanEthernet>);
    if (unsupported.length > 0 || ethernets.length !== 1) {
      draft.errors.push(
        `${server.name}: the lab applies netplan with one ethernet only, not ${unsupported.join(', ') || `${ethernets.length} ethernets`}`,
      );
      continue;
    }
    const [name, ethernet] = ethernets[0]!;
    draft.interfaceName(name, server.name);
    const port = `p${serverIndex.get(server.name)}`;
    const lan = links.links.indexOf(links.linkOf(segment) ?? '');
    commands.push(
      ...veth(serverNs, name, switchNs, port, ethernet.mtu ?? server.mtu),
      ip(switchNs, 'link', 'set', port, 'master', `br${lan}`),
    );
    for (const address of ethernet.addresses ?? [])
      commands.push(ip(serverNs, 'addr', 'add', address, 'dev', name));
    for (const route of ethernet.routes ?? []) {
      commands.push(
        ip(serverNs, 'route', 'add', route.to === 'default' ? 'default' : route.to, 'via', route.via),
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
  if (siteServers.length > 0) {
    draft.groups.push({
      title: `${site.name}: ${siteServers.length} server${siteServers.length === 1 ? '' : 's'} (${siteServers.map((server) => server.name).join(', ')})`,
      commands,
    });
  }
}
