// The sampled verify's choice of pairs: the same seed gives the same sample, every site is in
// it once N is at least half the sites, and no site pair or server pair comes twice.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sampleServerPairs, sampleSitePairs } from './sampling.ts';

const sitesOf = (count: number) => Array.from({ length: count }, (_, index) => `s${index}`);
const serversOf = (sites: number, perSite: number) =>
  sitesOf(sites).flatMap((site) =>
    Array.from({ length: perSite }, (_, index) => ({ name: `${site}-n${index}`, site })),
  );

describe('sampleSitePairs', () => {
  it('gives the same pairs for the same seed, and others for another', () => {
    const sites = sitesOf(50);
    expect(sampleSitePairs(sites, 25, 1)).toEqual(sampleSitePairs(sites, 25, 1));
    expect(sampleSitePairs(sites, 25, 2)).not.toEqual(sampleSitePairs(sites, 25, 1));
  });

  it('covers every site when N >= sites/2, never takes a pair twice, and stops at every pair', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 60 }),
        fc.integer({ min: 0, max: 2000 }),
        fc.nat(),
        (count, n, seed) => {
          const sites = sitesOf(count);
          const total = (count * (count - 1)) / 2;
          const pairs = sampleSitePairs(sites, n, seed);
          expect(pairs).toHaveLength(Math.min(n, total));
          const keys = pairs.map(([a, b]) => `${a} ${b}`);
          expect(new Set(keys).size).toBe(keys.length);
          for (const [a, b] of pairs) {
            expect(a).not.toBe(b);
            expect(sites.indexOf(a)).toBeLessThan(sites.indexOf(b));
          }
          if (n >= Math.ceil(count / 2)) expect(new Set(pairs.flat())).toEqual(new Set(sites));
        },
      ),
    );
  });

  it('with one site there is no pair to sample', () => {
    expect(sampleSitePairs(['only'], 3, 1)).toEqual([]);
  });
});

describe('sampleServerPairs', () => {
  it("measures each sampled site pair both ways between all their servers, and each sampled site's own pairs", () => {
    const servers = serversOf(50, 4);
    const sample = sampleServerPairs(servers, 25, 1);
    expect(sample.totalSitePairs).toBe(1225);
    expect(sample.totalPairs).toBe(200 * 199);
    // 25 site pairs x 4 x 4 servers x 2 ways, and 50 sites x 4 x 3 of their own.
    expect(sample.pairs).toHaveLength(25 * 16 * 2 + 50 * 12);
    const keys = sample.pairs.map(([from, to]) => `${from.name} ${to.name}`);
    expect(new Set(keys).size).toBe(keys.length);
    const sampled = new Set(sample.sitePairs.flatMap(([a, b]) => [`${a} ${b}`, `${b} ${a}`]));
    for (const [from, to] of sample.pairs) {
      expect(from).not.toBe(to);
      if (from.site !== to.site) expect(sampled.has(`${from.site} ${to.site}`)).toBe(true);
    }
  });

  it('with N of every site pair, is every server pair', () => {
    const servers = serversOf(4, 2);
    const sample = sampleServerPairs(servers, 6, 9);
    expect(sample.pairs).toHaveLength(8 * 7);
    expect(sample.pairs.map(([from, to]) => `${from.name} ${to.name}`)).toEqual(
      servers.flatMap((from) => servers.filter((to) => to !== from).map((to) => `${from.name} ${to.name}`)),
    );
  });
});
