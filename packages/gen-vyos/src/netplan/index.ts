// netplan for every server: its one LAN interface, a static address, the site router as the
// default gateway (the thesis's design: servers keep one interface and one default route, and
// only routers know about tunnels). Built as data and serialized by the yaml package.
import {
  type FileSet,
  type GeneratedFile,
  generatedHeader,
  type Model,
  type ModelServer,
  sortFileSet,
  yamlText,
} from '@geostage/schema';

/**
 * Resolvers written into every server's netplan. Not the site router: VyOS and Linux routers
 * as generated run no DNS forwarder, so the gateway would answer nothing. Public resolvers of
 * two independent operators work wherever the site has internet access through its router's
 * masquerade; change them here (one place) when a topology field for DNS arrives.
 */
export const DEFAULT_NAMESERVERS: readonly string[] = ['1.1.1.1', '9.9.9.9'];

const DEFAULT_MTU = 1500;

export function netplanOf(server: ModelServer): object {
  const ethernet: Record<string, unknown> = {
    dhcp4: false,
    dhcp6: false,
    addresses: [`${server.address}/${server.prefixLength}`],
    routes: [{ to: 'default', via: server.gateway }],
    nameservers: { addresses: [...DEFAULT_NAMESERVERS] },
  };
  if (server.mtu !== DEFAULT_MTU) ethernet.mtu = server.mtu;
  return { network: { version: 2, renderer: 'networkd', ethernets: { [server.interface]: ethernet } } };
}

/** servers/<server>/netplan.yaml for every server, mode 0600 (netplan warns about readable files). */
export function generateNetplan(model: Model): FileSet {
  return sortFileSet([...netplanFiles(model)]);
}

/** The same files one server at a time. */
export function* netplanFiles(model: Model): Generator<GeneratedFile> {
  const header = generatedHeader(model.source);
  for (const server of model.servers) {
    yield {
      path: `servers/${server.name}/netplan.yaml`,
      content: `${header}\n# ${server.name}: ${server.site} site, segment ${server.segment}, gateway ${server.gateway}.\n${yamlText(netplanOf(server))}`,
      mode: 0o600,
    };
  }
}
