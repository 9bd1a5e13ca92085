// The lab's WAN, measured: wide-2012 (the WIDE experiment: 4 sites, 10 ms one way between any
// two, none inside) with emulation and without, and rate limits on two of its pairs. Runs real
// OpenVPN through VDE wirefilter (or netem where the kernel has it) in network namespaces.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WanResults } from '@geostage/environment';
import { namespaceSupport } from '@geostage/transport';
import { afterAll, describe, expect, it } from 'vitest';
import { type Scratch, scratchRepository } from './scratch.ts';

const support = namespaceSupport();
const vde = spawnSync('which', ['wirefilter']).status === 0;
const skip = support ?? (vde ? null : 'VDE wirefilter is not installed (scripts/setup.sh installs vde2)');

async function measured(scratch: Scratch, args: string[]): Promise<WanResults> {
  const run = await scratch.geostage(['measure', 'wide-2012', '--format', 'json', ...args]);
  // Exit 1 is a disagreement, which the assertions below name pair by pair.
  expect([0, 1], run.stderr).toContain(run.code);
  return JSON.parse(run.stdout) as WanResults;
}

const table = (results: WanResults) =>
  results.sitePairs
    .map(
      (pair) =>
        `${pair.from}-${pair.to}: RTT ${pair.measured.rttMs?.median} ms (p10 ${pair.measured.rttMs?.p10}, p90 ${pair.measured.rttMs?.p90}, base ${pair.baseRttMs}), ${pair.measured.throughputMbps ?? '-'} Mbit/s, ${pair.measured.retransmits ?? '-'} retransmits`,
    )
    .join('\n  ');

if (skip !== null) {
  console.warn(`test/lab/wan: skipped: ${skip}`);
  describe('the lab WAN', () => {
    it.skip(`skipped: ${skip}`, () => {});
  });
} else {
  describe('the lab WAN: wide-2012', () => {
    const scratch = scratchRepository('wide-2012');
    afterAll(async () => {
      if (existsSync(join(scratch.environmentFolder, '.lab')))
        await scratch.geostage(['lab', 'down', 'wide-2012']);
      if (!process.env.GS_KEEP) rmSync(scratch.folder, { recursive: true, force: true });
    });

    it('every site pair is 20 ms plus the lab base apart, within 15%, and nothing inside a site', async () => {
      const up = await scratch.geostage(['lab', 'up', 'wide-2012']);
      expect(up.code, up.stdout + up.stderr).toBe(0);
      expect(up.stdout).toMatch(/WAN emulated by (wirefilter|netem) \(6 wires\)/);
      const results = await measured(scratch, []);
      console.log(`wide-2012, emulated (${results.emulation}):\n  ${table(results)}`);
      expect(results.sitePairs).toHaveLength(6);
      for (const pair of results.sitePairs) {
        expect(pair.expected.rttMs).toBe(20);
        const expected = 20 + pair.baseRttMs!;
        expect(
          Math.abs(pair.measured.rttMs!.median - expected),
          `${pair.from}-${pair.to}`,
        ).toBeLessThanOrEqual(0.15 * expected);
        expect(pair.agrees, pair.differences.join('; ')).toBe(true);
      }
      // Inside a site nothing is added: a server pings its neighbour in well under a millisecond.
      const state = JSON.parse(readFileSync(join(scratch.environmentFolder, '.lab', 'state.json'), 'utf8'));
      const cp1 = state.servers.find((server: { name: string }) => server.name === 'cp1');
      const ping = execFileSync(
        'ip',
        ['netns', 'exec', cp1.namespace, 'ping', '-c', '5', '-i', '0.05', '10.1.0.21'],
        { encoding: 'utf8' },
      );
      expect(Number(/= [\d.]+\/([\d.]+)\//.exec(ping)![1])).toBeLessThan(2);
    });

    it('with emulation off every pair is under 2 ms, and lab down leaves no wire behind', async () => {
      const down = await scratch.geostage(['lab', 'down', 'wide-2012']);
      expect(down.stdout).toContain('WAN: 6 of 6 wires stopped');
      expect(spawnSync('pgrep', ['-f', join(scratch.environmentFolder, '.lab', 'wan')]).status).toBe(1);
      const up = await scratch.geostage(['lab', 'up', 'wide-2012', '--no-wan']);
      expect(up.code, up.stdout + up.stderr).toBe(0);
      expect(up.stdout).toContain('WAN: emulation off');
      const results = await measured(scratch, []);
      console.log(`wide-2012, emulation off:\n  ${table(results)}`);
      for (const pair of results.sitePairs)
        expect(pair.measured.rttMs!.median, `${pair.from}-${pair.to}`).toBeLessThan(2);
      expect(results.emulation).toBe('none');
      await scratch.geostage(['lab', 'down', 'wide-2012']);
    });
  });

  describe('the lab WAN: rates', () => {
    // wide-2012 with a 10 Mbit/s path between dc1 and dc2 and 50 Mbit/s between dc3 and dc4.
    const scratch = scratchRepository('wide-2012');
    const topology = join(scratch.environmentFolder, 'topology.yaml');
    writeFileSync(
      topology,
      readFileSync(topology, 'utf8').replace(
        '  defaults: { delay: 10 }\n',
        '  defaults: { delay: 10 }\n  pairs:\n    - { sites: [dc1, dc2], rate: 10 }\n    - { sites: [dc3, dc4], rate: 50 }\n',
      ),
    );
    afterAll(async () => {
      if (existsSync(join(scratch.environmentFolder, '.lab')))
        await scratch.geostage(['lab', 'down', 'wide-2012']);
      if (!process.env.GS_KEEP) rmSync(scratch.folder, { recursive: true, force: true });
    });

    it('10 Mbit/s measures 8-11 Mbit/s, and 50 Mbit/s under 20 ms RTT at least 40 (the queue holds the BDP)', async () => {
      const up = await scratch.geostage(['lab', 'up', 'wide-2012']);
      expect(up.code, up.stdout + up.stderr).toBe(0);
      const results = await measured(scratch, []);
      console.log(`wide-2012 with rates:\n  ${table(results)}`);
      const pair = (a: string, b: string) =>
        results.sitePairs.find((found) => found.from === a && found.to === b)!;
      expect(pair('dc1', 'dc2').expected.rateMbps).toBe(10);
      expect(pair('dc1', 'dc2').measured.throughputMbps).toBeGreaterThanOrEqual(8);
      expect(pair('dc1', 'dc2').measured.throughputMbps).toBeLessThanOrEqual(11);
      expect(pair('dc3', 'dc4').measured.throughputMbps).toBeGreaterThanOrEqual(40);
      expect(pair('dc1', 'dc2').agrees && pair('dc3', 'dc4').agrees, table(results)).toBe(true);
    });
  });
}
