import { describe, expect, it } from 'vitest';
import { hasErrors } from './diagnostics.ts';
import { loadTopology } from './load.ts';
import { synthYaml } from './synth.ts';

const text = (options: Parameters<typeof synthYaml>[0]) => {
  const made = synthYaml(options);
  if (!made.ok) throw new Error(made.error.message);
  return made.text;
};

describe('synth', () => {
  it.each([
    { name: 'two', sites: 2, serversPerSite: 1, policy: 'hub-and-spoke' as const },
    { name: 'mesh', sites: 12, serversPerSite: 3, policy: 'full-mesh' as const },
    {
      name: 'mixed',
      sites: 60,
      serversPerSite: 4,
      policy: 'hub-and-spoke' as const,
      hubs: 3,
      natShare: 0.4,
      releases: ['1.2', '1.3', '1.4', '1.5'] as const,
    },
  ])('writes a valid environment: $name', (options) => {
    const loaded = loadTopology(text(options), `${options.name}.yaml`);
    expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(hasErrors(loaded.diagnostics)).toBe(false);
    expect(loaded.topology?.sites).toHaveLength(options.sites);
    expect(loaded.topology?.servers).toHaveLength(options.sites * options.serversPerSite);
  });

  it('is deterministic and spreads NAT and release lines as asked', () => {
    const options = {
      name: 'same',
      sites: 40,
      serversPerSite: 2,
      policy: 'hub-and-spoke' as const,
      hubs: 2,
      natShare: 0.25,
      releases: ['1.3', '1.5'] as const,
    };
    expect(text(options)).toBe(text(options));
    const topology = loadTopology(text(options), 'same.yaml').topology!;
    expect(topology.sites.filter((site) => site.router.wan.nat === true)).toHaveLength(9); // floor(38 spokes x 0.25);
    expect(topology.sites.slice(0, 2).some((site) => site.router.wan.nat)).toBe(false);
    expect(new Set(topology.sites.map((site) => site.router.release))).toEqual(new Set(['1.3', '1.5']));
  });

  it('refuses options the address plan cannot hold, as a typed error', () => {
    const made = synthYaml({ name: 'x', sites: 5, serversPerSite: 2, policy: 'full-mesh', natShare: 0.5 });
    expect(made.ok).toBe(false);
    if (!made.ok) expect(made.error.code).toBe('synth-invalid');
    expect(synthYaml({ name: 'x', sites: 1, serversPerSite: 1, policy: 'hub-and-spoke' }).ok).toBe(false);
    expect(synthYaml({ name: 'x', sites: 10, serversPerSite: 500, policy: 'hub-and-spoke' }).ok).toBe(false);
  });
});

describe('synth at the smallest sizes', () => {
  it('is valid for every 1 to 5 sites with 1 to 4 servers each (two control planes were no quorum)', () => {
    for (let sites = 1; sites <= 5; sites++) {
      for (let serversPerSite = 1; serversPerSite <= 4; serversPerSite++) {
        if (sites * serversPerSite < 2) continue;
        const made = synthYaml({ name: 'small', sites, serversPerSite, policy: 'hub-and-spoke' });
        if (!made.ok) throw new Error(made.error.message);
        const { diagnostics } = loadTopology(made.text, `${sites}x${serversPerSite}.yaml`);
        expect(
          diagnostics.filter((diagnostic) => diagnostic.severity === 'error'),
          `${sites}x${serversPerSite}`,
        ).toEqual([]);
      }
    }
  });
});

describe('synth --os linux', () => {
  it('gives Linux routers without a release line, valid like the VyOS ones', () => {
    const made = synthYaml({
      name: 'linux',
      sites: 5,
      serversPerSite: 2,
      policy: 'hub-and-spoke',
      os: 'linux',
    });
    if (!made.ok) throw new Error(made.error.message);
    const { topology, diagnostics } = loadTopology(made.text, 'linux.yaml');
    expect(diagnostics.filter((diagnostic) => diagnostic.severity === 'error')).toEqual([]);
    for (const site of topology!.sites) {
      expect(site.router.os).toBe('linux');
      expect(site.router.release).toBeUndefined();
    }
  });
});
