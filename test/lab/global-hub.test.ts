// global-hub in network namespaces: hub-and-spoke with TLS, a spoke behind NAT that can only
// dial out, tagged VLANs on the hub; spoke-to-spoke traffic goes through the hub.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { LabState } from '@geostage/lab';
import { inside, namespaceSupport, run } from '@geostage/transport';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Scratch, scratchRepository } from './scratch.ts';

const support = namespaceSupport();

if (support !== null) {
  console.warn(`test/lab/global-hub: skipped: ${support}`);
  describe('lab and verify: global-hub', () => {
    it.skip(`skipped: ${support}`, () => {});
  });
} else {
  describe('lab and verify: global-hub', () => {
    let scratch: Scratch;
    let state: LabState;
    const namespaceOf = (role: string, of: string) =>
      state.namespaces.find((namespace) => namespace.role === role && namespace.of === of)!.name;

    beforeAll(async () => {
      scratch = scratchRepository('global-hub');
      const up = await scratch.geostage(['lab', 'up', 'global-hub']);
      expect(up.code, up.stdout + up.stderr).toBe(0);
      expect(up.stdout).toContain('campus: NAT');
      state = JSON.parse(readFileSync(join(scratch.environmentFolder, '.lab', 'state.json'), 'utf8'));
    });

    afterAll(async () => {
      if (existsSync(join(scratch.environmentFolder, '.lab')))
        await scratch.geostage(['lab', 'down', 'global-hub']);
      if (!process.env.GS_KEEP) rmSync(scratch.folder, { recursive: true, force: true });
    });

    it('runs the topology as written, but every router as Linux', () => {
      // underlay + 4 routers + 4 switches + 1 NAT + 9 servers + a WAN wire per tunnel (3)
      expect(state.namespaces).toHaveLength(22);
      expect(state.wan?.wires.map((wire) => wire.link).sort()).toEqual([
        'tokyo--berlin',
        'tokyo--campus',
        'tokyo--osaka',
      ]);
      expect(state.converted.map((router) => router.was)).toEqual(['vyos 1.4', 'vyos 1.5', 'vyos 1.4']);
      expect(state.processes).toHaveLength(6);
    });

    it('verify agrees with reach on every pair; spoke to spoke crosses the hub', async () => {
      const verify = await scratch.geostage(['verify', 'global-hub']);
      expect(verify.code, verify.stdout + verify.stderr).toBe(0);
      expect(verify.stdout).toContain('The lab agrees with reach on all 72 server pairs.');
      const pairs = JSON.parse(
        readFileSync(join(scratch.environmentFolder, 'results', 'verify.json'), 'utf8'),
      ).pairs as { from: string; to: string; reachable: boolean; ttl: number }[];
      const ttl = (from: string, to: string) =>
        pairs.find((pair) => pair.from === from && pair.to === to)!.ttl;
      // Hub and spoke: two routers; spoke to spoke: three (the spoke's, the hub's, the other spoke's).
      expect(ttl('cp-berlin', 'cp-tokyo')).toBe(62);
      expect(ttl('cp-berlin', 'cp-osaka')).toBe(61);
      expect(ttl('w-campus-1', 'w-osaka-1')).toBe(61);
      expect(ttl('cp-osaka', 'w-campus-2')).toBe(61);
      // Tagged segments on the hub: storage and servers are routed, not switched, to each other.
      expect(ttl('w-tokyo-1', 'lb-tokyo')).toBe(63);
    });

    it('the NATed site dials out through its NAT, and nothing gets in', async () => {
      const campus = state.routers.find((router) => router.name === 'rt-campus')!;
      const hubLog = state.processes.find(
        (process) => process.router === 'hub-tokyo' && process.tunnel.endsWith('campus'),
      )!;
      const log = readFileSync(join(scratch.environmentFolder, '.lab', hubLog.log), 'utf8');
      expect(log).toContain(`Peer Connection Initiated with [AF_INET]${campus.natAddress}:`);
      // Even with a route to the campus WAN through the NAT, the underlay reaches nothing behind it.
      const underlay = namespaceOf('underlay', '');
      await run('ip', ['-n', underlay, 'route', 'add', '172.16.5.0/24', 'via', campus.natAddress!]);
      const ping = spawnSync('ip', ['netns', 'exec', underlay, 'ping', '-c', '1', '-W', '1', '172.16.5.2'], {
        encoding: 'utf8',
      });
      expect(ping.stdout).toContain('1 packets transmitted, 0 received');
      // While the campus router itself reaches the hub's WAN.
      expect(
        await inside(namespaceOf('router', 'rt-campus'), 'ping', ['-c', '1', '-W', '1', '198.51.100.10']),
      ).toContain('1 received');
    });

    it("the WAN follows the cities: every site pair's round trip agrees with the Model's", async () => {
      const measured = await scratch.geostage([
        'measure',
        'global-hub',
        '--quick',
        '--rtt-only',
        '--format',
        'json',
      ]);
      expect(measured.code, measured.stdout + measured.stderr).toBe(0);
      const results = JSON.parse(measured.stdout) as {
        emulation: string;
        sitePairs: {
          from: string;
          to: string;
          expected: { rttMs: number };
          measured: { rttMs: { median: number } };
        }[];
      };
      expect(results.emulation).toBe('wirefilter');
      const pair = (a: string, b: string) =>
        results.sitePairs.find((found) => [found.from, found.to].sort().join() === [a, b].sort().join())!;
      // Tokyo-Berlin is about 8,900 km: 2 x (8,917 km / 200 km/ms x 1.5 + 2 x 1 ms access) = 137.8 ms.
      expect(pair('tokyo', 'berlin').expected.rttMs).toBeCloseTo(137.8, 0);
      console.log(
        `global-hub RTT, measured/expected ms: ${results.sitePairs.map((found) => `${found.from}-${found.to} ${found.measured.rttMs.median}/${found.expected.rttMs}`).join(', ')}`,
      );
      // Osaka to Berlin goes through the Tokyo hub: both tunnels' delays add up.
      const viaHub = pair('osaka', 'berlin');
      expect(viaHub.expected.rttMs).toBeCloseTo(
        pair('tokyo', 'osaka').expected.rttMs + pair('tokyo', 'berlin').expected.rttMs,
        1,
      );
    });

    it('lab down removes all of it', async () => {
      const down = await scratch.geostage(['lab', 'down', 'global-hub']);
      expect(down.code).toBe(0);
      expect(down.stdout).toContain('6 of 6 processes stopped');
      expect(down.stdout).toContain('22 namespaces removed');
      const listed = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
      expect(listed.split('\n').filter((line) => line.startsWith(state.prefix))).toEqual([]);
      expect(spawnSync('pgrep', ['-f', scratch.environmentFolder]).status).toBe(1);
    });
  });
}
