// Synthetic environments of any size, valid by construction and deterministic: the same options
// always give the same topology, byte for byte. Benchmarks use them; users try geostage at scale.
import { stringify } from 'yaml';
import type { ReleaseLine } from './topology.ts';

export interface SynthOptions {
  /** The environment's name (the topology's `name`). */
  name: string;
  sites: number;
  serversPerSite: number;
  policy: 'hub-and-spoke' | 'full-mesh';
  /** Hub sites (the first ones) for hub-and-spoke; ignored for full mesh. Default 1. */
  hubs?: number;
  /** The share of spoke sites behind NAT, 0 to 1, spread evenly. Default 0. */
  natShare?: number;
  /** VyOS release lines, given to the sites in turn. Default ['1.4']. */
  releases?: readonly ReleaseLine[];
  /** The routers' OS: VyOS (default), or Linux (no release line), as the lab runs every router. */
  os?: 'vyos' | 'linux';
  /** Give every site coordinates (a spiral over the globe). Default true. */
  locations?: boolean;
}

export type SynthError = { code: 'synth-invalid'; message: string };

export type SynthResult = { ok: true; topology: Record<string, unknown> } | { ok: false; error: SynthError };

/**
 * Site i gets LAN 10.<1 + i/256>.<i%256>.0/24: 256 LANs fill a /16, so a spoke's routes to
 * every other site merge into a few prefixes whatever the size (with 250 per /16, as before,
 * each /16 stayed six prefixes: 240 routes per spoke at 10,000 sites, 2 GB of router files).
 * 50,000 sites reach 10.196. WAN addresses keep 250 per octet: 100.64.<i/250>.<i%250 + 1>/16.
 */
const LANS_PER_OCTET = 256;
const WANS_PER_OCTET = 250;
export const SYNTH_LIMITS = { sites: 50_000, serversPerSite: 240, hubs: 16 } as const;

/** The name of site `index` (0-based), padded so that names sort in site order. */
export function synthSiteName(index: number, sites: number): string {
  return `s${String(index + 1).padStart(Math.max(2, String(sites).length), '0')}`;
}

/** The options checked against what the address plan holds, then the topology as data. */
export function synthTopology(options: SynthOptions): SynthResult {
  const problem = optionProblem(options);
  if (problem) return { ok: false, error: { code: 'synth-invalid', message: problem } };
  const count = options.sites;
  const hubs = options.policy === 'hub-and-spoke' ? Math.min(options.hubs ?? 1, count) : 0;
  const releases = options.releases?.length ? options.releases : (['1.4'] as const);
  const share = options.natShare ?? 0;
  const name = (index: number) => synthSiteName(index, count);
  const octets = (index: number) => [1 + Math.floor(index / LANS_PER_OCTET), index % LANS_PER_OCTET] as const;
  const wanOctets = (index: number) =>
    [1 + Math.floor(index / WANS_PER_OCTET), index % WANS_PER_OCTET] as const;
  // Spokes 0..n-1 behind NAT where the running share crosses a whole number: evenly spread.
  const natted = (index: number) =>
    index >= hubs && Math.floor((index - hubs + 1) * share) > Math.floor((index - hubs) * share);
  const sites = Array.from({ length: count }, (_, index) => {
    const [high, low] = octets(index);
    const [wanHigh, wanLow] = wanOctets(index);
    return {
      name: name(index),
      ...(options.locations === false ? {} : { location: spiral(index, count) }),
      router: {
        name: `r${name(index)}`,
        ...(options.os === 'linux'
          ? { os: 'linux' }
          : { os: 'vyos', release: releases[index % releases.length] }),
        wan: {
          interface: 'eth0',
          address: `100.64.${wanHigh}.${wanLow + 1}/16`,
          ...(natted(index) ? { nat: true } : {}),
        },
      },
      segments: [
        { name: 'lan', prefix: `10.${high}.${low}.0/24`, gateway: `10.${high}.${low}.1`, interface: 'eth1' },
      ],
    };
  });
  const servers = sites.flatMap((site, index) => {
    const [high, low] = octets(index);
    return Array.from({ length: options.serversPerSite }, (_, slot) => ({
      name: `${site.name}-n${String(slot + 1).padStart(2, '0')}`,
      site: site.name,
      address: `10.${high}.${low}.${slot + 10}`,
      roles: role(index, slot, options.serversPerSite, count),
    }));
  });
  const nodes = servers.filter((server) => !server.roles.includes('load-balancer')).length;
  return {
    ok: true,
    topology: {
      name: options.name,
      description: `Synthetic (geostage synth): ${count} sites, ${options.policy}${hubs > 1 ? ` with ${hubs} hubs` : ''}, ${options.serversPerSite} servers each.`,
      sites,
      servers,
      vpn: {
        policy:
          options.policy === 'hub-and-spoke'
            ? { type: 'hub-and-spoke', hubs: Array.from({ length: hubs }, (_, index) => name(index)) }
            : { type: 'full-mesh' },
        pool: '172.16.0.0/12',
        authentication: 'tls',
      },
      kubernetes: {
        version: '1.33.2',
        podSubnet: podSubnet(nodes),
        serviceSubnet: '10.224.0.0/12',
        controlPlaneEndpoint: { loadBalancer: servers[0]!.name },
      },
      applications: [
        {
          name: 'hello-world',
          image: 'nginx:1.27',
          ports: [{ name: 'http', port: 80 }],
          replicas: { perSite: 1 },
        },
      ],
    },
  };
}

/** The topology file's text: YAML, one site or server per block, in site order. */
export function synthYaml(
  options: SynthOptions,
): { ok: true; text: string } | { ok: false; error: SynthError } {
  const result = synthTopology(options);
  return result.ok ? { ok: true, text: stringify(result.topology) } : result;
}

/**
 * The text of a synthetic topology for benchmarks and tests, named "synthetic", without
 * coordinates: their options are the caller's own constants, so a misfit is a programming error
 * and is thrown.
 */
export function syntheticYaml(options: Pick<SynthOptions, 'sites' | 'serversPerSite' | 'policy'>): string {
  const made = synthYaml({ name: 'synthetic', locations: false, ...options });
  if (!made.ok) throw new Error(made.error.message);
  return made.text;
}

function optionProblem(options: SynthOptions): string | null {
  const whole = (value: number, low: number, high: number) =>
    Number.isInteger(value) && value >= low && value <= high;
  if (!/^[a-z0-9][a-z0-9-]*$/.test(options.name))
    return `the name must be lower-case letters, digits and dashes, not "${options.name}"`;
  if (!whole(options.sites, 1, SYNTH_LIMITS.sites))
    return `sites must be a whole number from 1 to ${SYNTH_LIMITS.sites}, not ${options.sites}`;
  if (!whole(options.serversPerSite, 1, SYNTH_LIMITS.serversPerSite))
    return `servers per site must be a whole number from 1 to ${SYNTH_LIMITS.serversPerSite}, not ${options.serversPerSite}`;
  if (options.sites * options.serversPerSite < 2)
    return 'the cluster needs two servers at least: a load balancer and a control plane';
  const hubs = options.hubs ?? 1;
  if (options.policy === 'hub-and-spoke' && !whole(hubs, 1, SYNTH_LIMITS.hubs))
    return `hubs must be a whole number from 1 to ${SYNTH_LIMITS.hubs}, not ${hubs}`;
  const share = options.natShare ?? 0;
  if (!(share >= 0 && share <= 1)) return `the NAT share must be from 0 to 1, not ${share}`;
  if (options.policy === 'full-mesh' && share > 0)
    return 'a full mesh cannot have NATed sites: two sites behind NAT cannot open a tunnel to each other';
  return null;
}

/**
 * Site 0's first server balances the API. The control planes are the second server of the
 * first three sites (the first server of sites 2 to 4 with one server a site); all else work.
 */
function role(site: number, slot: number, perSite: number, sites: number): string[] {
  if (site === 0 && slot === 0) return ['load-balancer'];
  // Up to three control planes at three sites; two would be no quorum (etcd needs a majority),
  // so where only two sites could hold one, only the first does.
  const first = perSite > 1 ? 0 : 1;
  const available = Math.min(3, sites - first);
  const last = first + (available === 2 ? 1 : available) - 1;
  const control = (perSite > 1 ? slot === 1 : slot === 0) && site >= first && site <= last;
  return [control ? 'control-plane' : 'worker'];
}

/** A /24 per node: 10.244.0.0/16 up to 256 nodes, else a block of 32.0.0.0/3 large enough. */
function podSubnet(nodes: number): string {
  if (nodes <= 256) return '10.244.0.0/16';
  return `32.0.0.0/${Math.max(3, 24 - Math.ceil(Math.log2(nodes)))}`;
}

/** A golden-angle spiral: deterministic and spread over every continent and ocean. */
function spiral(index: number, count: number): { latitude: number; longitude: number } {
  const latitude = Math.round((Math.asin(1 - (2 * (index + 0.5)) / count) * 18000) / Math.PI) / 100;
  const longitude = Math.round((((index * 137.508) % 360) - 180) * 100) / 100;
  return { latitude, longitude };
}
