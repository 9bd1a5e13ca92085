// The topology schema: one definition that yields both the JSON Schema (for ajv and editors)
// and the TypeScript types (`Static<>`), so the two cannot drift.
import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { FORMATS } from './formats.ts';

const strict = { additionalProperties: false } as const;

const Name = Type.String({
  pattern: FORMATS.dnsLabel.pattern,
  description: 'A lower-case DNS label: letters, digits and inner hyphens, at most 63 characters.',
});
const InterfaceName = Type.String({
  pattern: FORMATS.interfaceName.pattern,
  description: 'An interface name as the device knows it (eth0, ens160, enp1s0), at most 15 characters.',
});
// The rules of the tools a value ends up in (Kubernetes' apimachinery validation, the
// distribution reference grammar), so validate refuses what kubeadm or the kubelet would.
// src/formats.ts names each pattern for the diagnostics and holds the matching hints.
const DnsSubdomain = Type.String({
  pattern: FORMATS.dnsSubdomain.pattern,
  description: 'A lower-case DNS name (RFC 1123 subdomain), e.g. k8s.example.org.',
});
const LabelValue = Type.String({
  pattern: FORMATS.labelValue.pattern,
  description: 'A Kubernetes label value: letters, digits, "-", "_" and ".", at most 63 characters.',
});
const Quantity = (description: string) => Type.String({ pattern: FORMATS.quantity.pattern, description });
const Argument = Type.String({ pattern: FORMATS.argument.pattern });
const Address = Type.String({ description: 'An IPv4 address, e.g. 192.168.10.101.' });
const AddressWithPrefix = Type.String({
  description: 'An IPv4 address with its prefix length, e.g. 10.4.0.90/16.',
});
const Prefix = Type.String({ description: 'An IPv4 network prefix, e.g. 192.168.10.0/24.' });

function withDefault<T extends TSchema>(schema: T, value: unknown, description: string): T {
  return { ...schema, default: value, description } as T;
}

export const ReleaseLine = Type.Union(
  [Type.Literal('1.2'), Type.Literal('1.3'), Type.Literal('1.4'), Type.Literal('1.5')],
  { description: 'The VyOS release line the router runs; decides the configuration syntax.' },
);

export const Wan = Type.Object(
  {
    interface: InterfaceName,
    address: { ...AddressWithPrefix, description: 'The router underlay (WAN) address with prefix length.' },
    gateway: Type.Optional({
      ...Address,
      description: 'Next hop towards the internet. Omit it when every router shares one underlay segment.',
    }),
    nat: Type.Optional(
      withDefault(
        Type.Boolean(),
        false,
        'True when the router sits behind NAT and cannot be reached from outside: it only initiates tunnels. Default false.',
      ),
    ),
    mtu: Type.Optional(
      withDefault(
        Type.Integer({ minimum: 576, maximum: 9000 }),
        1500,
        'Underlay MTU in bytes. Default 1500.',
      ),
    ),
  },
  { ...strict, description: 'The router underlay (WAN) interface.' },
);

export const VyosRouter = Type.Object(
  {
    name: Name,
    os: Type.Literal('vyos'),
    release: ReleaseLine,
    wan: Wan,
  },
  { ...strict, description: 'A VyOS router.' },
);

export const LinuxRouter = Type.Object(
  {
    name: Name,
    os: Type.Literal('linux'),
    release: Type.Optional(
      withDefault(Type.String(), 'debian-12', 'The distribution release, e.g. debian-12. Default debian-12.'),
    ),
    wan: Wan,
  },
  { ...strict, description: 'A plain Linux router running OpenVPN, nftables and systemd units.' },
);

export const Router = Type.Union([VyosRouter, LinuxRouter], {
  description: 'The one router of a site; it runs the OpenVPN tunnels to other sites.',
});

export const Segment = Type.Object(
  {
    name: Name,
    vlan: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 4094, description: 'The VLAN id of the segment.' }),
    ),
    tagged: Type.Optional(
      withDefault(
        Type.Boolean(),
        false,
        'True when the router carries the VLAN tagged on its interface (a vif); false when the switch port is an access port. Default false.',
      ),
    ),
    prefix: Prefix,
    gateway: { ...Address, description: 'The router address on this segment; the servers default gateway.' },
    interface: { ...InterfaceName, description: 'The router interface that carries this segment.' },
    mtu: Type.Optional(
      withDefault(Type.Integer({ minimum: 576, maximum: 9000 }), 1500, 'LAN MTU. Default 1500.'),
    ),
  },
  { ...strict, description: 'A LAN segment of a site, routed by the site router.' },
);

const Milliseconds = (description: string) => Type.Number({ minimum: 0, description });
const Rate = (description: string) => Type.Number({ exclusiveMinimum: 0, description });

export const Location = Type.Object(
  {
    city: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'A city from the shipped table (packages/schema/src/cities.ts), e.g. tokyo.',
      }),
    ),
    latitude: Type.Optional(Type.Number({ minimum: -90, maximum: 90, description: 'Degrees north.' })),
    longitude: Type.Optional(Type.Number({ minimum: -180, maximum: 180, description: 'Degrees east.' })),
  },
  {
    ...strict,
    description:
      'Where the site is: a known city, or latitude and longitude. Gives the WAN delay when nothing closer does.',
  },
);

export const Uplink = Type.Object(
  {
    rate: Type.Optional(Rate('The site uplink in Mbit/s, shared by all its tunnels. Default: unlimited.')),
    access: Type.Optional(
      Milliseconds(
        'One-way delay in ms from the site to the long-haul network, added to delays computed from coordinates. Default: wan.access.',
      ),
    ),
  },
  { ...strict, description: 'The site connection to the WAN.' },
);

export const WanValues = {
  delay: Type.Optional(Milliseconds('One-way delay in ms.')),
  jitter: Type.Optional(Milliseconds('One-way delay variation in ms.')),
  loss: Type.Optional(
    Type.Number({ minimum: 0, maximum: 100, description: 'Packet loss in percent, each way.' }),
  ),
  rate: Type.Optional(Rate('Path rate in Mbit/s, each way.')),
};

export const WanPair = Type.Object(
  {
    sites: Type.Array(Name, { minItems: 2, maxItems: 2, description: 'The two sites, in any order.' }),
    ...WanValues,
  },
  {
    ...strict,
    description: 'Explicit WAN values between two sites; they win over the zone matrix and coordinates.',
  },
);

export const WanEmulation = Type.Union([Type.Literal('none'), Type.Literal('lab'), Type.Literal('routers')], {
  description:
    'none: the WAN is only described. lab: the lab emulates it between the routers (their generated files are unchanged). routers: the generated router files emulate it on every tunnel interface, on top of the real WAN. Default none.',
});

export const Geography = Type.Object(
  {
    emulate: Type.Optional(withDefault(WanEmulation, 'none', WanEmulation.description!)),
    zones: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          'A shipped zone matrix (packages/schema/src/zones.ts), e.g. azure-2024-06; sites name their zone.',
      }),
    ),
    routeFactor: Type.Optional(
      withDefault(
        Type.Number({ minimum: 1 }),
        1.5,
        'How much longer the fibre route is than the great circle, for delays from coordinates. Default 1.5.',
      ),
    ),
    access: Type.Optional(
      withDefault(
        Type.Number({ minimum: 0 }),
        1,
        'One-way access delay in ms added per site to delays from coordinates. Default 1.',
      ),
    ),
    defaults: Type.Optional(
      Type.Object(WanValues, {
        ...strict,
        description: 'Values for every site pair that nothing else gives a value.',
      }),
    ),
    pairs: Type.Optional(Type.Array(WanPair, { description: 'Explicit values per site pair.' })),
  },
  {
    ...strict,
    description:
      'The WAN between sites: one-way delay, jitter, loss and rate per site pair, from explicit pairs, a zone matrix, coordinates or defaults, in that order.',
  },
);

export const Site = Type.Object(
  {
    name: Name,
    id: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 4000,
        description:
          'Stable site number. Tunnel addresses, ports and interface names derive from it. Default: the position in the sites list (1-based), so append new sites at the end or pin ids.',
      }),
    ),
    region: Type.Optional({
      ...LabelValue,
      minLength: 1,
      description: 'topology.kubernetes.io/region of the site nodes (a label value). Default: the site name.',
    }),
    description: Type.Optional(Type.String()),
    router: Router,
    segments: Type.Array(Segment, { minItems: 1 }),
    location: Type.Optional(Location),
    zone: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'The zone of the site in the zone matrix named by wan.zones, e.g. japan-east.',
      }),
    ),
    uplink: Type.Optional(Uplink),
  },
  { ...strict, description: 'A site: one router and its LAN segments.' },
);

export const Role = Type.Union(
  [Type.Literal('load-balancer'), Type.Literal('control-plane'), Type.Literal('worker')],
  { description: 'What the server does in the cluster.' },
);

export const Server = Type.Object(
  {
    name: Name,
    site: Name,
    segment: Type.Optional({
      ...Name,
      description: 'The segment of the site. Default: the site first segment.',
    }),
    interface: Type.Optional(
      withDefault(InterfaceName, 'ens160', 'The server LAN interface. Default ens160.'),
    ),
    address: Address,
    roles: Type.Array(Role, { minItems: 1, uniqueItems: true }),
    os: Type.Optional(
      withDefault(
        Type.String(),
        'ubuntu-24.04',
        'The operating system release, e.g. ubuntu-24.04. Default ubuntu-24.04.',
      ),
    ),
  },
  { ...strict, description: 'A server on a site LAN segment.' },
);

export const Policy = Type.Union(
  [
    Type.Object(
      { type: Type.Literal('full-mesh') },
      { ...strict, description: 'A tunnel between every two sites.' },
    ),
    Type.Object(
      {
        type: Type.Literal('hub-and-spoke'),
        hubs: Type.Array(Name, {
          minItems: 1,
          uniqueItems: true,
          description:
            'Hub sites; each spoke tunnels to every hub, hubs are meshed, spokes route through the first hub.',
        }),
      },
      { ...strict },
    ),
    Type.Object(
      {
        type: Type.Literal('pairs'),
        pairs: Type.Array(Type.Array(Name, { minItems: 2, maxItems: 2 }), {
          minItems: 1,
          description:
            'Explicit tunnels as [site, site]. Append new pairs at the end: a pair address block is its position.',
        }),
      },
      { ...strict },
    ),
  ],
  { description: 'Which sites get a tunnel between them.' },
);

export const Vpn = Type.Object(
  {
    policy: Type.Optional(withDefault(Policy, { type: 'full-mesh' }, 'Tunnel policy. Default full mesh.')),
    pool: Type.Optional(withDefault(Prefix, '10.255.0.0/16', 'Tunnel address pool. Default 10.255.0.0/16.')),
    prefixLength: Type.Optional(
      withDefault(
        Type.Union([Type.Literal(30), Type.Literal(31)]),
        31,
        'Prefix length of each tunnel subnet carved from the pool: 31 or 30. Default 31.',
      ),
    ),
    port: Type.Optional(
      withDefault(
        Type.Integer({ minimum: 1024, maximum: 65000 }),
        1194,
        'First UDP port. A router listens on port + peer site id - 1 for the tunnel to that peer. Default 1194.',
      ),
    ),
    // No JSON Schema `default` here: the default depends on the routers' releases, so resolve decides it.
    authentication: Type.Optional(
      Type.Union([Type.Literal('tls'), Type.Literal('static-key')], {
        description:
          'tls (certificates from one CA) or static-key (deprecated by OpenVPN 2.6). Default tls, or static-key when any router runs VyOS 1.2/1.3.',
      }),
    ),
    cipher: Type.Optional(
      Type.Union(
        [
          Type.Literal('aes-256-gcm'),
          Type.Literal('aes-128-gcm'),
          Type.Literal('chacha20-poly1305'),
          Type.Literal('aes-256-cbc'),
          Type.Literal('aes-128-cbc'),
        ],
        { description: 'Data channel cipher. Default aes-256-gcm with TLS, aes-256-cbc with static keys.' },
      ),
    ),
  },
  { ...strict, description: 'The OpenVPN site-to-site tunnels between the routers.' },
);

export const Cni = Type.Object(
  {
    name: Type.Union([Type.Literal('calico'), Type.Literal('flannel')], { description: 'The CNI plugin.' }),
    encapsulation: Type.Optional(
      withDefault(
        Type.Union([Type.Literal('vxlan'), Type.Literal('ipip'), Type.Literal('none')]),
        'vxlan',
        'Pod traffic encapsulation between nodes: vxlan (50 bytes), ipip (20 bytes, Calico only) or none. Default vxlan.',
      ),
    ),
    mtu: Type.Optional(
      withDefault(
        Type.Union([Type.Literal('auto'), Type.Integer({ minimum: 576, maximum: 9000 })]),
        'auto',
        'Pod MTU, or auto: underlay MTU minus OpenVPN overhead minus encapsulation. Default auto.',
      ),
    ),
  },
  { ...strict, description: 'The container network.' },
);

export const Kubernetes = Type.Object(
  {
    version: Type.String({
      pattern: FORMATS.kubernetesVersion.pattern,
      description: 'The Kubernetes version installed by kubeadm, e.g. 1.31.4. Supported: 1.26 and later.',
    }),
    podSubnet: Type.Optional(withDefault(Prefix, '10.244.0.0/16', 'Pod subnet. Default 10.244.0.0/16.')),
    serviceSubnet: Type.Optional(
      withDefault(Prefix, '10.96.0.0/12', 'Service subnet. Default 10.96.0.0/12.'),
    ),
    dnsDomain: Type.Optional(
      withDefault(DnsSubdomain, 'cluster.local', 'Cluster DNS domain. Default cluster.local.'),
    ),
    cni: Type.Optional(
      withDefault(Cni, { name: 'calico' }, 'The CNI. Default Calico with VXLAN and auto MTU.'),
    ),
    controlPlaneEndpoint: Type.Optional(
      Type.Object(
        {
          loadBalancer: Type.Optional({
            ...Name,
            description:
              'The load-balancer server in front of the control planes. Default: the first load balancer.',
          }),
          dnsName: Type.Optional({
            ...DnsSubdomain,
            description: 'A DNS name for the endpoint; added to the API server certificate.',
          }),
          port: Type.Optional(
            withDefault(Type.Integer({ minimum: 1, maximum: 65535 }), 6443, 'Default 6443.'),
          ),
        },
        { ...strict },
      ),
    ),
  },
  { ...strict, description: 'The one Kubernetes cluster spanning every site.' },
);

export const Port = Type.Object(
  {
    name: Type.String({
      pattern: FORMATS.portName.pattern,
      description: 'A Kubernetes port name (IANA service name), e.g. http.',
    }),
    port: Type.Integer({ minimum: 1, maximum: 65535 }),
    protocol: Type.Optional(
      withDefault(Type.Union([Type.Literal('TCP'), Type.Literal('UDP')]), 'TCP', 'Default TCP.'),
    ),
  },
  { ...strict },
);

export const Application = Type.Object(
  {
    name: Type.String({
      pattern: FORMATS.applicationName.pattern,
      description:
        'A lower-case DNS label that starts with a letter: it names Services, which Kubernetes requires to start with one.',
    }),
    image: Type.String({
      pattern: FORMATS.imageReference.pattern,
      maxLength: 512,
      description: 'Container image with tag, e.g. nginx:1.27.',
    }),
    ports: Type.Optional(Type.Array(Port, { default: [] })),
    replicas: Type.Optional(
      withDefault(
        Type.Union([
          Type.Object({ perSite: Type.Integer({ minimum: 0 }) }, strict),
          Type.Object({ perWorker: Type.Integer({ minimum: 0 }) }, strict),
        ]),
        { perSite: 1 },
        'Replicas per site, or per worker of each site. Default one per site.',
      ),
    ),
    command: Type.Optional(Type.Array(Argument)),
    args: Type.Optional(Type.Array(Argument, { default: [] })),
    resources: Type.Optional(
      Type.Object(
        {
          cpu: Type.Optional(
            withDefault(
              Quantity('CPU request.'),
              '100m',
              'CPU request (a Kubernetes quantity). Default 100m.',
            ),
          ),
          memory: Type.Optional(
            withDefault(
              Quantity('Memory request.'),
              '128Mi',
              'Memory request (a Kubernetes quantity). Default 128Mi.',
            ),
          ),
        },
        strict,
      ),
    ),
    rate: Type.Optional(
      Rate(
        'Mbit/s the application needs between any two sites it runs at; a slower WAN path is warned about.',
      ),
    ),
    peers: Type.Optional(
      Type.Object(
        {
          discovery: Type.Union([Type.Literal('none'), Type.Literal('static')], {
            description:
              'none, or static: every pod receives the stable DNS names of peers in other sites, through the argument template.',
          }),
          argument: Type.Optional(
            Type.String({
              pattern: FORMATS.peerArgument.pattern,
              description: 'Argument added once per peer; {peer} is replaced, e.g. -addnode={peer}:18444.',
            }),
          ),
          count: Type.Optional(
            withDefault(
              Type.Integer({ minimum: 1 }),
              2,
              'How many peers each pod gets, spread over other sites. Default 2.',
            ),
          ),
        },
        strict,
      ),
    ),
    lab: Type.Optional(
      Type.Object(
        {
          command: Type.Array(Type.String({ minLength: 1 }), {
            minItems: 1,
            description:
              'The command each replica runs as a process in its server namespace, standing in for the image (geostage app deploy --lab); the manifest args follow it, peers at their lab addresses. {node}, {geostage}, {folder}, {address} and {replica} are replaced.',
          }),
        },
        strict,
      ),
    ),
  },
  { ...strict, description: 'A P2P application spread over the workers of every site.' },
);

export const Topology = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    name: Name,
    description: Type.Optional(Type.String()),
    sites: Type.Array(Site, { minItems: 1 }),
    servers: Type.Array(Server, { description: 'Every server of every site.' }),
    vpn: Type.Optional(withDefault(Vpn, {}, 'The VPN. Every field has a default.')),
    wan: Type.Optional(Geography),
    kubernetes: Type.Optional(Kubernetes),
    applications: Type.Optional(Type.Array(Application, { default: [] })),
  },
  {
    ...strict,
    $id: 'https://geostage.dev/schema/topology.schema.json',
    title: 'geostage topology',
    description:
      'One staging environment: sites, routers, servers, the VPN between them and the cluster on top.',
  },
);

export type Topology = Static<typeof Topology>;
export type Site = Static<typeof Site>;
export type Segment = Static<typeof Segment>;
export type Server = Static<typeof Server>;
export type Router = Static<typeof Router>;
export type Wan = Static<typeof Wan>;
export type Role = Static<typeof Role>;
export type Vpn = Static<typeof Vpn>;
export type Policy = Static<typeof Policy>;
export type Kubernetes = Static<typeof Kubernetes>;
export type Cni = Static<typeof Cni>;
export type Application = Static<typeof Application>;
export type ReleaseLine = Static<typeof ReleaseLine>;
export type Geography = Static<typeof Geography>;
export type WanPair = Static<typeof WanPair>;
export type Location = Static<typeof Location>;

/** The JSON Schema document (draft 2020-12) as published for editors. */
export function topologyJsonSchema(): Record<string, unknown> {
  const plain = JSON.parse(JSON.stringify(Topology)) as Record<string, unknown>;
  return { $schema: 'https://json-schema.org/draft/2020-12/schema', ...plain };
}
