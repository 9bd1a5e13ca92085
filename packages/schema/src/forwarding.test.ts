import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { blockSites, forwardingTable, mergeSiblings, withoutMembers } from './forwarding.ts';
import { loadTopology } from './load.ts';
import type { ModelRoute } from './model.ts';
import { resolve } from './resolve.ts';
import { synthYaml } from './synth.ts';

function route(prefix: string, site: string, through = 'vtun1'): ModelRoute {
  return { prefix, interface: through, nextHop: `hop-${through}`, site, via: 'hub' };
}

describe('forwardingTable', () => {
  it('merges sibling prefixes that leave through the same tunnel', () => {
    const table = forwardingTable([
      route('10.10.0.0/24', 'a'),
      route('10.10.1.0/24', 'a'),
      route('10.20.0.0/24', 'b'),
    ]);
    expect(table.map((entry) => [entry.prefix, entry.sites])).toEqual([
      ['10.10.0.0/23', ['a']],
      ['10.20.0.0/24', ['b']],
    ]);
  });

  it('never merges across tunnels or over a hole', () => {
    const table = forwardingTable([
      route('10.0.0.0/24', 'a'),
      route('10.0.1.0/24', 'b', 'vtun2'),
      route('10.0.2.0/24', 'c'),
      route('10.0.3.0/24', 'd'),
    ]);
    expect(table.map((entry) => `${entry.prefix} ${entry.interface}`)).toEqual([
      '10.0.0.0/24 vtun1',
      '10.0.1.0/24 vtun2',
      '10.0.2.0/23 vtun1',
    ]);
  });

  it('covers exactly the original addresses: 999 remote /24s around a hole give a few prefixes', () => {
    const routes: ModelRoute[] = [];
    for (let index = 0; index < 1000; index++) {
      if (index === 4) continue; // this site's own LAN
      routes.push(route(`10.${Math.floor(index / 256)}.${index % 256}.0/24`, `s${index}`));
    }
    const table = forwardingTable(routes);
    expect(table.length).toBeLessThan(16);
    const covered = table.reduce((sum, entry) => sum + 2 ** (24 - Number(entry.prefix.split('/')[1])), 0);
    expect(covered).toBe(999);
    expect(table.flatMap((entry) => entry.sites)).toHaveLength(999);
    expect(table.some((entry) => entry.prefix === '10.0.4.0/24')).toBe(false);
  });
});

describe('withoutMembers', () => {
  it('gives what mergeSiblings gives for the smaller set, for any LANs and any removed ones', () => {
    const lan = fc.record({ slot: fc.integer({ min: 0, max: 63 }), length: fc.constantFrom(22, 23, 24, 25) });
    fc.assert(
      fc.property(
        fc.uniqueArray(lan, { selector: (entry) => entry.slot, minLength: 1, maxLength: 40 }),
        fc.array(fc.boolean()),
        (lans, removedFlags) => {
          // Disjoint prefixes: slot i of 1,024 addresses holds one prefix at its start.
          const members = lans.map(({ slot, length }) => ({
            network: (10 << 24) + slot * 1024,
            length,
            site: `s${slot}`,
          }));
          const removed = members.filter((_, index) => removedFlags[index] === true);
          const kept = members.filter((_, index) => removedFlags[index] !== true);
          const block = (member: (typeof members)[number]) => ({
            network: member.network,
            length: member.length,
            members: [member],
          });
          const expected = mergeSiblings(kept.map(block)).map((entry) => [
            entry.network,
            entry.length,
            blockSites(entry),
          ]);
          const actual = withoutMembers(mergeSiblings(members.map(block)), removed)
            .sort((a, b) => a.network - b.network)
            .map((entry) => [entry.network, entry.length, blockSites(entry)]);
          expect(actual).toEqual(expected);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('routePlanner', () => {
  for (const options of [
    { sites: 60, serversPerSite: 1, policy: 'hub-and-spoke', hubs: 3, natShare: 0.3 },
    { sites: 12, serversPerSite: 1, policy: 'full-mesh' },
  ] as const) {
    it(`configures every router with its routes merged (${options.policy}, ${options.sites} sites)`, () => {
      const made = synthYaml({ name: 'plan', locations: false, ...options });
      if (!made.ok) throw new Error(made.error.message);
      const { topology } = loadTopology(made.text, 'plan.yaml');
      const model = resolve(topology!);
      for (const site of model.sites) {
        expect(site.router.routes.length).toBeGreaterThan(0);
        expect(site.router.forwarding).toEqual(forwardingTable(site.router.routes));
      }
    });
  }
});
