import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Model } from './model.ts';
import { resolve } from './resolve.ts';
import type { Topology } from './topology.ts';

const root = new URL('../../../', import.meta.url);
const reference = JSON.parse(readFileSync(new URL('../test-data/keio-2019.json', import.meta.url), 'utf8'));

function example(name: string): Topology {
  return parse(readFileSync(new URL(`environments/${name}/topology.yaml`, root), 'utf8')) as Topology;
}

describe('keio-2019 resolves to the thesis environment', () => {
  const model = resolve(example('keio-2019'), 'environments/keio-2019/topology.yaml');

  it('has the reference routers with their WAN and LAN addresses', () => {
    for (const router of reference.routers) {
      const site = model.sites.find((candidate) => candidate.router.name === router.name)!;
      expect(site.router.wan.host).toBe(router.wan.address);
      expect(site.router.wan.interface).toBe(router.wan.interface);
      expect(site.router.wan.prefix).toBe(reference.underlay.prefix);
      const segment = site.segments[0]!;
      expect(segment.gateway).toBe(router.lan.address);
      expect(segment.interface).toBe(router.lan.interface);
      expect(segment.vlan).toBe(router.lan.vlan);
      expect(reference.segments).toContainEqual({ vlan: segment.vlan, prefix: segment.prefix });
    }
  });

  it('has the reference servers with address, segment, role and gateway', () => {
    expect(model.servers.map((server) => server.name)).toEqual(
      reference.servers.map((s: { name: string }) => s.name),
    );
    for (const expected of reference.servers) {
      const server = model.servers.find((candidate) => candidate.name === expected.name)!;
      const site = model.sites.find((candidate) => candidate.name === server.site)!;
      expect(server.address).toBe(expected.address);
      expect(server.interface).toBe(expected.interface);
      expect(server.roles).toEqual([expected.role]);
      expect(site.segments[0]!.vlan).toBe(expected.vlan);
      expect(server.gateway).toBe(site.segments[0]!.gateway);
    }
  });

  it('joins the three sites with a full mesh of three tunnels', () => {
    expect(model.tunnels.map((tunnel) => tunnel.name)).toEqual([
      'site1--site2',
      'site1--site3',
      'site2--site3',
    ]);
    for (const site of model.sites) {
      const ends = model.tunnels.flatMap((t) => [t.a, t.b]).filter((end) => end.site === site.name);
      expect(ends).toHaveLength(2);
      expect(new Set(ends.map((end) => end.interface)).size).toBe(2);
      expect(new Set(ends.map((end) => end.port)).size).toBe(2);
    }
  });

  it('routes every remote /24 into the tunnel to its site', () => {
    const vyos01 = model.sites[0]!.router;
    expect(vyos01.routes.map((route) => [route.prefix, route.interface, route.via])).toEqual([
      ['192.168.20.0/24', 'vtun2', 'site2'],
      ['192.168.30.0/24', 'vtun3', 'site3'],
    ]);
  });

  it('puts the load balancer in front of the three control planes', () => {
    const kubernetes = model.kubernetes!;
    expect(kubernetes.endpoint.host).toBe('192.168.10.253');
    expect(kubernetes.endpoint.certSANs).toEqual(['lb', '192.168.10.253']);
    expect(kubernetes.controlPlanes).toEqual(['master01', 'master02', 'master03']);
    expect(kubernetes.firstControlPlane).toBe('master01');
    expect(kubernetes.workers).toEqual(['node01', 'node02', 'node03', 'node04']);
    expect(kubernetes.kubeadmApi).toBe('kubeadm.k8s.io/v1beta4');
  });

  it('labels nodes with their site as zone', () => {
    const node03 = model.servers.find((server) => server.name === 'node03')!;
    expect(node03.labels['topology.kubernetes.io/zone']).toBe('site3');
    expect(node03.labels['node-role.kubernetes.io/worker']).toBe('');
    expect(model.servers.find((server) => server.name === 'lb')!.labels).toEqual({});
  });

  it('is deterministic', () => {
    expect(JSON.stringify(resolve(example('keio-2019')))).toBe(JSON.stringify(resolve(example('keio-2019'))));
  });
});

describe('global-hub resolves hub-and-spoke with a site behind NAT', () => {
  const model = resolve(example('global-hub'));

  it('gives each spoke one tunnel, to the hub, and routes spoke-to-spoke through it', () => {
    expect(model.tunnels.map((tunnel) => tunnel.name)).toEqual([
      'tokyo--osaka',
      'tokyo--berlin',
      'tokyo--campus',
    ]);
    const osaka = model.sites.find((site) => site.name === 'osaka')!;
    const toBerlin = osaka.router.routes.find((route) => route.site === 'berlin')!;
    expect(toBerlin.via).toBe('tokyo');
    expect(toBerlin.interface).toBe('vtun1');
  });

  it('makes the NATed end initiate and leaves it unreachable', () => {
    const campus = model.tunnels.find((tunnel) => tunnel.name === 'tokyo--campus')!;
    expect(campus.b).toMatchObject({ site: 'campus', initiator: true, reachable: false });
    expect(campus.a).toMatchObject({ site: 'tokyo', initiator: false, reachable: true });
  });

  it('spends the MTU budget on TLS + AES-GCM and IP-in-IP', () => {
    expect(model.mtu.tunnel).toBe(1500 - 52);
    expect(model.mtu.pod).toBe(1500 - 52 - 20);
    expect(model.kubernetes!.cni.mtu).toBe(model.mtu.pod);
  });
});

function tunnelFacts(model: Model): Map<string, string> {
  return new Map(model.tunnels.map((t) => [t.name, JSON.stringify([t.subnet, t.a, t.b])]));
}

function syntheticTopology(count: number, policy: Topology['vpn']): Topology {
  return {
    name: 'synthetic',
    sites: Array.from({ length: count }, (_, index) => ({
      name: `s${index + 1}`,
      router: {
        name: `r${index + 1}`,
        os: 'vyos' as const,
        release: '1.4' as const,
        wan: { interface: 'eth0', address: `198.18.${index}.2/24`, gateway: `198.18.${index}.1` },
      },
      segments: [
        { name: 'lan', prefix: `10.${index}.0.0/24`, gateway: `10.${index}.0.1`, interface: 'eth1' },
      ],
    })),
    servers: [],
    vpn: { ...policy, pool: '10.255.0.0/16' },
  };
}

describe('adding a site never renumbers existing tunnels', () => {
  const policies = fc.constantFrom<'full-mesh' | 'hub-and-spoke'>('full-mesh', 'hub-and-spoke');
  it('keeps every existing tunnel subnet, port, interface and role', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 25 }),
        policies,
        fc.integer({ min: 1, max: 3 }),
        (count, kind, extra) => {
          const policy =
            kind === 'full-mesh'
              ? { policy: { type: 'full-mesh' as const } }
              : { policy: { type: 'hub-and-spoke' as const, hubs: ['s1'] } };
          const before = tunnelFacts(resolve(syntheticTopology(count, policy)));
          const after = tunnelFacts(resolve(syntheticTopology(count + extra, policy)));
          for (const [name, facts] of before) expect(after.get(name)).toBe(facts);
          expect(after.size).toBeGreaterThan(before.size);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('keeps tunnels when a site with a pinned id is inserted in the middle of the list', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 15 }), fc.nat(), (count, at) => {
        const base = syntheticTopology(count, { policy: { type: 'full-mesh' } });
        base.sites.forEach((site, index) => {
          site.id = index + 1;
        });
        const grown = syntheticTopology(count + 1, { policy: { type: 'full-mesh' } });
        const newcomer = { ...grown.sites[count]!, id: count + 1 };
        const sites = [...base.sites];
        sites.splice(at % (count + 1), 0, newcomer);
        const before = tunnelFacts(resolve(base));
        const after = tunnelFacts(resolve({ ...base, sites }));
        for (const [name, facts] of before) expect(after.get(name)).toBe(facts);
      }),
      { numRuns: 60 },
    );
  });
});
