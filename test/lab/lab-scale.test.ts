// The lab at 50 sites x 4 servers, probed right after lab up: a sampled verify measures every
// site's own pairs within seconds, more neighbours than the kernel's one IPv4 neighbour table
// (1,024 entries by default, shared by every namespace) holds, so before the site LANs had
// permanent neighbours the last sites probed lost pairs ("neighbor table overflow!"). The
// sample must agree with reach on every pair, the table must never be full, and lab down must
// leave nothing.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { type LabState, namespaceSupport } from '@geostage/lab';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { remains, type Scratch, scratchRepository } from './scratch.ts';

const ENVIRONMENT = 'lab-scale';

/** table_fulls of /proc/net/stat/arp_cache, summed over the CPUs. */
function tableFulls(): number {
  const [header, ...rows] = readFileSync('/proc/net/stat/arp_cache', 'utf8').trim().split('\n');
  const column = header!.trim().split(/\s+/).indexOf('table_fulls');
  return rows.reduce((sum, row) => sum + Number.parseInt(row.trim().split(/\s+/)[column]!, 16), 0);
}

const support = namespaceSupport();
if (support !== null) {
  console.warn(`test/lab/lab-scale: skipped: ${support}`);
  describe('the lab at 50 x 4', () => {
    it.skip(`skipped: ${support}`, () => {});
  });
} else {
  describe('the lab at 50 x 4', () => {
    let scratch: Scratch;
    beforeAll(async () => {
      scratch = scratchRepository(ENVIRONMENT);
      const synth = await scratch.geostage([
        'synth',
        ENVIRONMENT,
        '--sites',
        '50',
        '--servers',
        '4',
        '--os',
        'linux',
        '--no-locations',
      ]);
      expect(synth.code, synth.stderr).toBe(0);
      const generate = await scratch.geostage(['generate', ENVIRONMENT]);
      expect(generate.code, generate.stderr).toBe(0);
    }, 120_000);
    afterAll(async () => {
      await scratch.geostage(['lab', 'down', ENVIRONMENT]);
      if (!process.env.GS_KEEP) rmSync(scratch.folder, { recursive: true, force: true });
    });

    it('agrees with reach on a sample measured right after lab up, the neighbour table never full', async () => {
      const up = await scratch.geostage(['lab', 'up', ENVIRONMENT]);
      expect(up.code, up.stdout + up.stderr).toBe(0);
      const state = JSON.parse(
        readFileSync(join(scratch.environmentFolder, '.lab', 'state.json'), 'utf8'),
      ) as LabState;
      const fullsBefore = tableFulls();
      const verify = await scratch.geostage(['verify', ENVIRONMENT, '--sample', '25', '--seed', '1']);
      const fulls = tableFulls() - fullsBefore;
      expect(verify.stdout, verify.stdout + verify.stderr).toMatch(
        /^sampled 25 of 1225 site pairs \(seed 1\)/m,
      );
      expect(verify.stdout + verify.stderr).toContain('The lab agrees with reach on all 1400 server pairs.');
      expect(verify.code).toBe(0);
      expect(verify.stderr).not.toContain('neighbour table was full');
      expect(fulls, 'times the kernel neighbour table was full while verify measured').toBe(0);

      const down = await scratch.geostage(['lab', 'down', ENVIRONMENT]);
      expect(down.code, down.stdout + down.stderr).toBe(0);
      expect(await remains(state.prefix, join(scratch.environmentFolder, '.lab'))).toEqual([]);
    }, 300_000);
  });
}
