// The Model: every decision made, as plain data. Generators, apply and the site read only this.
import type { ReleaseLine, Role } from './topology.ts';

export type Authentication = 'tls' | 'static-key';
export type Cipher = 'aes-256-gcm' | 'aes-128-gcm' | 'chacha20-poly1305' | 'aes-256-cbc' | 'aes-128-cbc';
export type RouterOs = { os: 'vyos'; release: ReleaseLine } | { os: 'linux'; release: string };

export interface Model {
  name: string;
  description: string;
  /** The topology file the Model was resolved from, relative to the repository root when known. */
  source: string;
  sites: ModelSite[];
  servers: ModelServer[];
  vpn: ModelVpn;
  tunnels: ModelTunnel[];
  mtu: MtuBudget;
  kubernetes: ModelKubernetes | null;
  applications: ModelApplication[];
  wan: ModelWan;
}

export interface ModelSite {
  name: string;
  id: number;
  region: string;
  description: string;
  router: ModelRouter;
  segments: ModelSegment[];
}

export interface ModelRouter {
  name: string;
  site: string;
  os: RouterOs['os'];
  /** VyOS release line (1.2 .. 1.5) or Linux release (debian-12). */
  release: string;
  wan: {
    interface: string;
    /** Address with prefix length, e.g. 10.4.0.90/16. */
    address: string;
    /** Address without prefix length. */
    host: string;
    /** Network prefix of the WAN, e.g. 10.4.0.0/16. */
    prefix: string;
    gateway: string | null;
    nat: boolean;
    mtu: number;
  };
  /**
   * Routes to every remote LAN prefix, sorted by prefix: one per prefix, for people to read.
   * Made when first read (lazy.ts): N sites have N^2 of them, and the generators need only `forwarding`.
   */
  routes: ModelRoute[];
  /** What the router is configured with: `routes` with siblings through one tunnel merged. */
  forwarding: ModelForwardingRoute[];
  /** LAN prefixes that are masqueraded to the underlay (never into tunnels). */
  masquerade: string[];
  /** MSS clamp for TCP through the tunnels, or null when not needed. */
  mssClamp: number | null;
}

export interface ModelSegment {
  name: string;
  site: string;
  vlan: number | null;
  tagged: boolean;
  prefix: string;
  prefixLength: number;
  gateway: string;
  /** The router interface: eth1, or eth1.10 style naming is left to the renderer (see `tagged`). */
  interface: string;
  mtu: number;
}

export interface ModelRoute {
  /** Destination prefix (a remote LAN). */
  prefix: string;
  /** The tunnel interface on this router that leads there. */
  interface: string;
  /** The tunnel peer address (the far end of that tunnel). */
  nextHop: string;
  /** The site that owns the prefix. */
  site: string;
  /** The site at the far end of the tunnel (differs from `site` when routed through a hub). */
  via: string;
}

export interface ModelForwardingRoute {
  prefix: string;
  interface: string;
  nextHop: string;
  /** The site at the far end of the tunnel. */
  via: string;
  /** The sites whose LANs the prefix covers, in prefix order. */
  sites: string[];
}

export interface ModelServer {
  name: string;
  site: string;
  segment: string;
  interface: string;
  address: string;
  prefixLength: number;
  gateway: string;
  roles: Role[];
  os: string;
  mtu: number;
  /** Kubernetes node labels decided from the topology (zone/region and roles). */
  labels: Record<string, string>;
}

export interface ModelVpn {
  policy: 'full-mesh' | 'hub-and-spoke' | 'pairs';
  hubs: string[];
  pool: string;
  prefixLength: 30 | 31;
  port: number;
  authentication: Authentication;
  cipher: Cipher;
}

export interface TunnelEnd {
  site: string;
  router: string;
  /** Interface name on this end, vtun<peer site id>. */
  interface: string;
  /** Tunnel address of this end, without prefix length. */
  address: string;
  /** UDP port this end listens on. */
  port: number;
  /** WAN address of this end (without prefix length). */
  wan: string;
  /** Whether this end initiates (TLS role active). Ends behind NAT always initiate. */
  initiator: boolean;
  /** Whether the other end knows this end address (false when this end is behind NAT). */
  reachable: boolean;
}

export interface ModelTunnel {
  /** `<siteA>--<siteB>` with the lower site id first. */
  name: string;
  /** Slot in the tunnel pool; decides the subnet. Stable when sites are added. */
  slot: number;
  subnet: string;
  a: TunnelEnd;
  b: TunnelEnd;
}

export interface MtuStep {
  label: string;
  bytes: number;
}

export interface MtuBudget {
  underlay: number;
  /** Each overhead subtracted from the underlay MTU, in order. */
  openvpn: MtuStep[];
  tunnel: number;
  encapsulation: MtuStep[];
  /** The MTU computed for pods; `pod` is this unless overridden. */
  computedPod: number;
  pod: number;
  overridden: boolean;
  /** TCP MSS clamp through the tunnels: tunnel MTU - 40. */
  mss: number;
  explanation: string[];
}

export interface ModelKubernetes {
  version: string;
  /** kubeadm API version, decided here in one place. */
  kubeadmApi: 'kubeadm.k8s.io/v1beta3' | 'kubeadm.k8s.io/v1beta4';
  podSubnet: string;
  serviceSubnet: string;
  dnsDomain: string;
  cni: { name: 'calico' | 'flannel'; encapsulation: 'vxlan' | 'ipip' | 'none'; mtu: number };
  endpoint: {
    /** host:port used as controlPlaneEndpoint. */
    host: string;
    port: number;
    loadBalancer: string | null;
    address: string | null;
    dnsName: string | null;
    /** Names and addresses that must be in the API server certificate. */
    certSANs: string[];
  };
  loadBalancers: string[];
  controlPlanes: string[];
  /** The control plane that runs kubeadm init. */
  firstControlPlane: string;
  workers: string[];
}

export interface ModelApplication {
  name: string;
  image: string;
  ports: { name: string; port: number; protocol: 'TCP' | 'UDP' }[];
  command: string[];
  args: string[];
  resources: { cpu: string; memory: string };
  /** Replicas per site name (sites with no workers get 0). */
  replicas: Record<string, number>;
  peers: { discovery: 'none' | 'static'; argument: string; count: number };
  /** Mbit/s the application needs between its sites, or null when it declares none. */
  rate: number | null;
}

/** Where one WAN value came from. */
export type WanSource =
  /** wan.pairs[pair] of the topology. */
  | { kind: 'explicit'; pair: number }
  | { kind: 'zone'; matrix: string; zones: [string, string] }
  /** Great circle over fibre speed times the route factor, plus both sites' access delay. */
  | { kind: 'coordinates'; distanceKm: number; routeFactor: number; accessMs: number }
  /** The site uplink is slower than the path. */
  | { kind: 'uplink'; site: string }
  /** The sum (delay, jitter), combination (loss) or minimum (rate) of the tunnels of a path. */
  | { kind: 'path'; tunnels: string[] }
  /** wan.defaults when written, else nothing added (0, or unlimited for a rate). */
  | { kind: 'default'; written: boolean };

export interface WanValue {
  /** Null only for a rate: unlimited. */
  value: number | null;
  source: WanSource;
}

/** One way, each direction alike. */
export interface WanCharacteristics {
  delayMs: WanValue;
  jitterMs: WanValue;
  lossPercent: WanValue;
  rateMbps: WanValue;
}

export interface ModelWanSite {
  site: string;
  location: { latitude: number; longitude: number; city: string | null } | null;
  zone: string | null;
  /** Uplink rate shared by all the site's tunnels; null = unlimited. */
  uplinkMbps: number | null;
  /** One-way access delay added to delays from coordinates. */
  accessMs: number;
}

/** The underlay between two sites as declared, whether or not a tunnel joins them. */
export interface ModelWanPair extends WanCharacteristics {
  a: string;
  b: string;
  /** The tunnel between the two, or null when their traffic goes through a hub. */
  tunnel: string | null;
}

/** A tunnel: its pair values, with the rate capped by both sites' uplinks. */
export interface ModelWanTunnel extends WanCharacteristics {
  tunnel: string;
  a: string;
  b: string;
}

/** What traffic between two sites meets: the tunnels on its route, added up. */
export interface ModelWanPath extends WanCharacteristics {
  a: string;
  b: string;
  /** The sites from a to b, hubs between. */
  sites: string[];
  tunnels: string[];
  /** Expected round trip: twice the one-way delay (no base latency of the machines added). */
  rttMs: number;
  /** Where the rate is set: a tunnel name, `uplink <site>`, or null when unlimited. */
  bottleneck: string | null;
}

export interface ModelWan {
  emulate: 'none' | 'lab' | 'routers';
  /** The zone matrix used, with its provenance, or null. */
  zones: { name: string; measured: string; source: string; date: string } | null;
  routeFactor: number;
  /** Light in fibre, km per ms. */
  fibreKmPerMs: number;
  sites: ModelWanSite[];
  /** Every pair of sites, lower site id first. */
  pairs: ModelWanPair[];
  tunnels: ModelWanTunnel[];
  /** Every pair of sites, in the order of `pairs`. */
  paths: ModelWanPath[];
}
