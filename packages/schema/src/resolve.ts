// resolve: Topology (already loaded and checked) -> Model. Pure and deterministic.
import { integerToAddress, networkOf, parsePrefix } from './addressing.ts';
import { DEFAULTS, STATIC_KEY_RELEASES } from './defaults.ts';
import { lazy } from './lazy.ts';
import type {
  Authentication,
  Cipher,
  Model,
  ModelApplication,
  ModelKubernetes,
  ModelServer,
  ModelSite,
  ModelTunnel,
  ModelVpn,
  MtuBudget,
  TunnelEnd,
} from './model.ts';
import { mtuBudget } from './mtu.ts';
import { adjacency, routePlanner } from './routes.ts';
import type { Application, Server, Site, Topology } from './topology.ts';
import { plannedTunnels, siteIds } from './tunnels.ts';
import { resolveWan } from './wan.ts';

export function resolve(topology: Topology, source = ''): Model {
  const ids = siteIds(topology.sites);
  const vpn = resolveVpn(topology);
  const sites = topology.sites.map((site) => resolveSite(site, ids.get(site.name)!));
  const tunnels = resolveTunnels(topology, sites, vpn, ids);
  const underlay = Math.min(...sites.map((site) => site.router.wan.mtu));
  const cni = topology.kubernetes?.cni;
  const cniMtu = cni?.mtu ?? 'auto';
  const mtu = mtuBudget({
    underlay,
    authentication: vpn.authentication,
    cipher: vpn.cipher,
    encapsulation: cni?.encapsulation ?? DEFAULTS.encapsulation,
    podOverride: cniMtu === 'auto' ? null : cniMtu,
  });
  const hubOrder = new Map(vpn.hubs.map((hub, index) => [hub, index] as const));
  const priority = (site: string) => (hubOrder.get(site) ?? vpn.hubs.length) * 100000 + ids.get(site)!;
  const graph = adjacency(tunnels, priority);
  const prefixes = new Map(
    sites.flatMap((site) =>
      site.segments.map((segment) => [segment.prefix, parsePrefix(segment.prefix)] as const),
    ),
  );
  const prefixOf = (prefix: string) => prefixes.get(prefix) ?? parsePrefix(prefix);
  const planner = routePlanner(sites, graph, prefixOf);
  for (const site of sites) {
    lazy(site.router, 'routes', () => planner.routes(site));
    site.router.forwarding = planner.forwarding(site);
    site.router.mssClamp = tunnels.length > 0 ? mtu.mss : null;
  }
  const wan = resolveWan(topology, sites, tunnels);
  const siteByName = new Map(sites.map((site) => [site.name, site] as const));
  const servers = topology.servers.map((server) => resolveServer(server, siteByName.get(server.site)!));
  const kubernetes = resolveKubernetes(topology, servers, mtu);
  const workersPerSite = new Map<string, number>();
  for (const server of servers) {
    if (server.roles.includes('worker'))
      workersPerSite.set(server.site, (workersPerSite.get(server.site) ?? 0) + 1);
  }
  const applications = (topology.applications ?? []).map((app) =>
    resolveApplication(app, sites, workersPerSite),
  );
  return {
    name: topology.name,
    description: topology.description ?? '',
    source,
    sites,
    servers,
    vpn,
    tunnels,
    mtu,
    kubernetes,
    applications,
    wan,
  };
}

function resolveVpn(topology: Topology): ModelVpn {
  const vpn = topology.vpn ?? {};
  const policy = vpn.policy ?? { type: 'full-mesh' };
  const legacy = topology.sites.some(
    (site) => site.router.os === 'vyos' && STATIC_KEY_RELEASES.includes(site.router.release),
  );
  const authentication: Authentication = vpn.authentication ?? (legacy ? 'static-key' : 'tls');
  const cipher: Cipher =
    vpn.cipher ?? (authentication === 'static-key' ? DEFAULTS.cipherStaticKey : DEFAULTS.cipherTls);
  return {
    policy: policy.type,
    hubs: policy.type === 'hub-and-spoke' ? [...policy.hubs] : [],
    pool: vpn.pool ?? DEFAULTS.pool,
    prefixLength: vpn.prefixLength ?? DEFAULTS.tunnelPrefixLength,
    port: vpn.port ?? DEFAULTS.port,
    authentication,
    cipher,
  };
}

function resolveSite(site: Site, id: number): ModelSite {
  const wan = site.router.wan;
  const release = site.router.release ?? DEFAULTS.linuxRouterRelease;
  return {
    name: site.name,
    id,
    region: site.region ?? site.name,
    description: site.description ?? '',
    router: {
      name: site.router.name,
      site: site.name,
      os: site.router.os,
      release,
      wan: {
        interface: wan.interface,
        address: wan.address,
        host: wan.address.split('/')[0]!,
        prefix: networkOf(wan.address),
        gateway: wan.gateway ?? null,
        nat: wan.nat ?? false,
        mtu: wan.mtu ?? DEFAULTS.wanMtu,
      },
      routes: [],
      forwarding: [],
      masquerade: site.segments.map((segment) => segment.prefix),
      mssClamp: null,
    },
    segments: site.segments.map((segment) => ({
      name: segment.name,
      site: site.name,
      vlan: segment.vlan ?? null,
      tagged: segment.tagged ?? false,
      prefix: segment.prefix,
      prefixLength: parsePrefix(segment.prefix).length,
      gateway: segment.gateway,
      interface: segment.interface,
      mtu: segment.mtu ?? DEFAULTS.segmentMtu,
    })),
  };
}

function resolveTunnels(
  topology: Topology,
  sites: readonly ModelSite[],
  vpn: ModelVpn,
  ids: Map<string, number>,
): ModelTunnel[] {
  const byName = new Map(sites.map((site) => [site.name, site] as const));
  const pool = parsePrefix(vpn.pool);
  const block = 2 ** (32 - vpn.prefixLength);
  const firstHost = vpn.prefixLength === 31 ? 0 : 1;
  return plannedTunnels(topology.sites, topology.vpn?.policy).map((planned) => {
    const a = byName.get(planned.a)!;
    const b = byName.get(planned.b)!;
    const base = pool.network + planned.slot * block;
    // Behind NAT an end can only dial out; otherwise spokes dial their hub, and the higher id dials the lower.
    const aInitiates =
      a.router.wan.nat || (!b.router.wan.nat && vpn.hubs.includes(b.name) && !vpn.hubs.includes(a.name));
    const end = (site: ModelSite, peer: ModelSite, offset: number, initiator: boolean): TunnelEnd => ({
      site: site.name,
      router: site.router.name,
      interface: `vtun${ids.get(peer.name)}`,
      address: integerToAddress(base + firstHost + offset),
      port: vpn.port + ids.get(peer.name)! - 1,
      wan: site.router.wan.host,
      initiator,
      reachable: !site.router.wan.nat,
    });
    return {
      name: `${a.name}--${b.name}`,
      slot: planned.slot,
      subnet: `${integerToAddress(base)}/${vpn.prefixLength}`,
      a: end(a, b, 0, aInitiates),
      b: end(b, a, 1, !aInitiates),
    };
  });
}

function resolveServer(server: Server, site: ModelSite): ModelServer {
  const segment = server.segment
    ? site.segments.find((candidate) => candidate.name === server.segment)!
    : site.segments[0]!;
  const labels: Record<string, string> = {};
  if (server.roles.includes('control-plane') || server.roles.includes('worker')) {
    labels['topology.kubernetes.io/region'] = site.region;
    labels['topology.kubernetes.io/zone'] = site.name;
    if (server.roles.includes('control-plane')) labels['node-role.kubernetes.io/control-plane'] = '';
    if (server.roles.includes('worker')) labels['node-role.kubernetes.io/worker'] = '';
  }
  return {
    name: server.name,
    site: site.name,
    segment: segment.name,
    interface: server.interface ?? DEFAULTS.serverInterface,
    address: server.address,
    prefixLength: segment.prefixLength,
    gateway: segment.gateway,
    roles: [...server.roles],
    os: server.os ?? DEFAULTS.serverOs,
    mtu: segment.mtu,
    labels,
  };
}

export function kubeadmApiFor(version: string): ModelKubernetes['kubeadmApi'] {
  const minor = Number(version.split('.')[1]);
  return minor >= 31 ? 'kubeadm.k8s.io/v1beta4' : 'kubeadm.k8s.io/v1beta3';
}

function resolveKubernetes(
  topology: Topology,
  servers: readonly ModelServer[],
  mtu: MtuBudget,
): ModelKubernetes | null {
  const kubernetes = topology.kubernetes;
  if (!kubernetes) return null;
  const withRole = (role: string) => servers.filter((server) => server.roles.includes(role as never));
  const loadBalancers = withRole('load-balancer').map((server) => server.name);
  const controlPlanes = withRole('control-plane').map((server) => server.name);
  const endpointSpec = kubernetes.controlPlaneEndpoint ?? {};
  const lbName = endpointSpec.loadBalancer ?? loadBalancers[0] ?? null;
  const lb = servers.find((server) => server.name === lbName) ?? null;
  const dnsName = endpointSpec.dnsName ?? null;
  const port = endpointSpec.port ?? DEFAULTS.apiServerPort;
  const host = dnsName ?? lb?.address ?? servers.find((s) => s.name === controlPlanes[0])?.address ?? '';
  const certSANs = [lb?.name, lb?.address, dnsName].filter((value): value is string => Boolean(value));
  const cni = kubernetes.cni ?? { name: DEFAULTS.cni };
  return {
    version: kubernetes.version,
    kubeadmApi: kubeadmApiFor(kubernetes.version),
    podSubnet: kubernetes.podSubnet ?? DEFAULTS.podSubnet,
    serviceSubnet: kubernetes.serviceSubnet ?? DEFAULTS.serviceSubnet,
    dnsDomain: kubernetes.dnsDomain ?? DEFAULTS.dnsDomain,
    cni: { name: cni.name, encapsulation: cni.encapsulation ?? DEFAULTS.encapsulation, mtu: mtu.pod },
    endpoint: { host, port, loadBalancer: lb?.name ?? null, address: lb?.address ?? null, dnsName, certSANs },
    loadBalancers,
    controlPlanes,
    firstControlPlane: controlPlanes[0] ?? '',
    workers: withRole('worker').map((server) => server.name),
  };
}

function resolveApplication(
  app: Application,
  sites: readonly ModelSite[],
  workersPerSite: ReadonlyMap<string, number>,
): ModelApplication {
  const spec = app.replicas ?? { perSite: 1 };
  const replicas: Record<string, number> = {};
  for (const site of sites) {
    const workers = workersPerSite.get(site.name) ?? 0;
    replicas[site.name] = workers === 0 ? 0 : 'perSite' in spec ? spec.perSite : spec.perWorker * workers;
  }
  return {
    name: app.name,
    image: app.image,
    ports: (app.ports ?? []).map((port) => ({
      name: port.name,
      port: port.port,
      protocol: port.protocol ?? 'TCP',
    })),
    command: app.command ?? [],
    args: app.args ?? [],
    resources: { cpu: app.resources?.cpu ?? DEFAULTS.cpu, memory: app.resources?.memory ?? DEFAULTS.memory },
    replicas,
    peers: {
      discovery: app.peers?.discovery ?? 'none',
      argument: app.peers?.argument ?? '{peer}',
      count: app.peers?.count ?? DEFAULTS.peerCount,
    },
    rate: app.rate ?? null,
  };
}
