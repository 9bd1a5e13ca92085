// verify --sample in the lab: keio-2019 measured on 2 of its 3 site pairs with seed 1, every
// server pair between each sampled pair's sites both ways and each site's own pairs, the
// results file saying so, and the comparison with reach over exactly those pairs.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseVerify } from '@geostage/environment';
import { type LabState, namespaceSupport } from '@geostage/lab';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Scratch, scratchRepository } from './scratch.ts';

const support = namespaceSupport();
if (support !== null) {
  console.warn(`test/lab/verify-sample: skipped: ${support}`);
  describe('verify --sample: keio-2019', () => {
    it.skip(`skipped: ${support}`, () => {});
  });
} else {
  describe('verify --sample: keio-2019', () => {
    let scratch: Scratch;
    beforeAll(() => {
      scratch = scratchRepository('keio-2019');
    });
    afterAll(async () => {
      if (existsSync(join(scratch.environmentFolder, '.lab')))
        await scratch.geostage(['lab', 'down', 'keio-2019']);
      if (!process.env.GS_KEEP) rmSync(scratch.folder, { recursive: true, force: true });
    });

    it('measures the sampled site pairs only, says so, writes the sample, and agrees with reach on them', async () => {
      const up = await scratch.geostage(['lab', 'up', 'keio-2019']);
      expect(up.code, up.stdout + up.stderr).toBe(0);
      const state = JSON.parse(
        readFileSync(join(scratch.environmentFolder, '.lab', 'state.json'), 'utf8'),
      ) as LabState;

      const verify = await scratch.geostage(['verify', 'keio-2019', '--sample', '2', '--seed', '1']);
      expect(verify.code, verify.stdout + verify.stderr).toBe(0);
      const said = /^sampled 2 of 3 site pairs \(seed 1\): (\S+)-(\S+), (\S+)-(\S+)$/m.exec(verify.stdout);
      expect(said, verify.stdout).not.toBeNull();
      const sitePairs = [
        [said![1]!, said![2]!],
        [said![3]!, said![4]!],
      ];
      // Two pairs of three sites: every site is in one.
      expect(new Set(sitePairs.flat())).toEqual(new Set(['site1', 'site2', 'site3']));

      const raw = JSON.parse(readFileSync(join(scratch.environmentFolder, 'results', 'verify.json'), 'utf8'));
      expect(raw.sample).toEqual({ seed: 1, sitePairs, totalSitePairs: 3, totalPairs: 56 });
      expect(raw.method).toContain('2 of 3 site pairs sampled with seed 1');
      const measured = parseVerify(JSON.stringify(raw));
      if (typeof measured === 'string') throw new Error(measured);
      expect(measured.sample).toEqual(raw.sample);

      const site = new Map(state.servers.map((server) => [server.name, server.site]));
      const partners = new Set(
        sitePairs.flatMap(([a, b]) => [`${a} ${b}`, `${b} ${a}`, `${a} ${a}`, `${b} ${b}`]),
      );
      const expected = state.servers.flatMap((from) =>
        state.servers
          .filter((to) => to !== from && partners.has(`${from.site} ${to.site}`))
          .map((to) => `${from.name} -> ${to.name}`),
      );
      const pairs = measured.pairs.map((pair) => `${pair.from} -> ${pair.to}`);
      expect(pairs.sort()).toEqual(expected.sort());
      expect(pairs.length).toBeLessThan(56);
      expect(verify.stdout).toContain(`${pairs.length} of 56 pairs in `);
      expect(verify.stdout).toContain(`The lab agrees with reach on all ${pairs.length} server pairs.`);
      // keio-2019 after the VPN: every pair reachable (the thesis's table 4.7), TTL read for each.
      for (const pair of raw.pairs) {
        expect(pair.reachable, `${pair.from} -> ${pair.to}`).toBe(true);
        expect(pair.ttl).toBe(site.get(pair.from) === site.get(pair.to) ? 64 : 62);
      }

      const down = await scratch.geostage(['lab', 'down', 'keio-2019']);
      expect(down.code).toBe(0);
    });
  });
}
