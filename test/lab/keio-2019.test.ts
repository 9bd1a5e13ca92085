// The thesis lab built for real: keio-2019 in network namespaces (its three VyOS 1.2 routers as
// the Linux flavour of the same topology, real OpenVPN with static keys), the reachability
// matrix measured from inside the servers, and what a failed router looks like in it.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseVerify } from '@geostage/environment';
import { hostInterfaces, type LabState, namespaceSupport } from '@geostage/lab';
import { computeReachability, reachabilityByName, readGeneratedNetwork } from '@geostage/reach';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Scratch, scratchRepository } from './scratch.ts';

const thesis = JSON.parse(
  readFileSync(join(import.meta.dirname, '..', 'fixtures', 'keio-2019.json'), 'utf8'),
) as {
  reachability: { after_vpn: Record<string, Record<string, boolean>> };
};

const support = namespaceSupport();
if (support !== null) {
  console.warn(`test/lab/keio-2019: skipped: ${support}`);
  describe('lab and verify: keio-2019', () => {
    it.skip(`skipped: ${support}`, () => {});
  });
} else {
  describe('lab and verify: keio-2019', () => {
    let scratch: Scratch;
    let state: LabState;
    let linksBefore: string[];
    const readState = () =>
      JSON.parse(readFileSync(join(scratch.environmentFolder, '.lab', 'state.json'), 'utf8')) as LabState;
    const results = () =>
      parseVerify(readFileSync(join(scratch.environmentFolder, 'results', 'verify.json'), 'utf8'));

    beforeAll(() => {
      scratch = scratchRepository('keio-2019');
      linksBefore = hostInterfaces();
    });

    afterAll(async () => {
      if (existsSync(join(scratch.environmentFolder, '.lab')))
        await scratch.geostage(['lab', 'down', 'keio-2019']);
      if (!process.env.GS_KEEP) rmSync(scratch.folder, { recursive: true, force: true });
    });

    it('lab up builds it, says the VyOS routers run as Linux, and a second lab up changes nothing', async () => {
      const up = await scratch.geostage(['lab', 'up', 'keio-2019']);
      expect(up.stderr.replace(/^warning: static-key.*\n/m, '')).toBe('');
      expect(up.code).toBe(0);
      expect(up.stdout).toContain(
        'vyos01: the topology says vyos 1.2; the lab runs it as a Linux router (VyOS cannot run in a namespace)',
      );
      expect(up.stdout).toMatch(/^tunnels: 3 up in [\d.]+ s$/m);
      expect(up.stdout).toContain('lab of keio-2019 is up');
      state = readState();
      expect(state.complete).toBe(true);
      expect(state.secrets).toBe('lab');
      // 1 underlay + 3 routers + 3 switches + 8 servers, all named after the environment's hash.
      expect(state.namespaces).toHaveLength(15);
      const listed = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
      for (const namespace of state.namespaces) {
        expect(namespace.name.startsWith(state.prefix)).toBe(true);
        expect(listed).toContain(namespace.name);
      }
      expect(state.processes).toHaveLength(6);
      // Lab-only secrets stay in the lab folder: the environment gets no secrets/.
      expect(existsSync(join(scratch.environmentFolder, 'secrets'))).toBe(false);
      expect(hostInterfaces()).toEqual(linksBefore);

      const again = await scratch.geostage(['lab', 'up', 'keio-2019']);
      expect(again.code).toBe(0);
      expect(again.stdout).toContain('a lab of keio-2019 is already up (15 namespaces); nothing to do');
      expect(readState().processes.map((process) => process.pid)).toEqual(state.processes.map((p) => p.pid));
    });

    it("verify measures reach's matrix and the thesis's table 4.7 (all o), with TTL and round-trip times", async () => {
      const verify = await scratch.geostage(['verify', 'keio-2019']);
      expect(verify.code, verify.stdout + verify.stderr).toBe(0);
      expect(verify.stdout).toContain('The lab agrees with reach on all 56 server pairs.');
      expect(verify.stdout).toContain('56 of 56 server pairs reachable');
      expect(verify.stdout).toMatch(/^vyos02 {2}node01 {3}\| o {8}o {8}o {8}o {8}\| - {8}o {8}\| o {8}o$/m);

      const measured = results();
      if (typeof measured === 'string') throw new Error(measured);
      expect(measured.pairs).toHaveLength(56);
      const byName: Record<string, Record<string, boolean>> = {};
      for (const pair of measured.pairs) {
        byName[pair.from] = { ...byName[pair.from], [pair.to]: pair.reachable };
      }
      const report = computeReachability(
        await readGeneratedNetwork(join(scratch.environmentFolder, 'generated', 'network')),
      );
      expect(byName).toEqual(reachabilityByName(report, 'after'));
      expect(byName).toEqual(thesis.reachability.after_vpn);

      const raw = JSON.parse(readFileSync(join(scratch.environmentFolder, 'results', 'verify.json'), 'utf8'));
      const site = (name: string) => state.servers.find((server) => server.name === name)!.site;
      for (const pair of raw.pairs) {
        expect(pair.rttMs).toBeGreaterThan(0);
        expect(pair.received).toBe(2);
        // The reply crosses both site routers across sites (the thesis's ping saw one hop fewer: see reach's README).
        expect(pair.ttl, `${pair.from} -> ${pair.to}`).toBe(site(pair.from) === site(pair.to) ? 64 : 62);
      }
    });

    it('verify names exactly the pairs lost when one router stops its OpenVPN, and exits 1', async () => {
      for (const process_ of state.processes.filter((process) => process.router === 'vyos02')) {
        process.kill(process_.pid, 'SIGTERM');
      }
      const status = await scratch.geostage(['lab', 'status', 'keio-2019']);
      expect(status.code).toBe(1);
      expect(status.stdout).toMatch(
        /NOT HEALTHY: .*vyos02 vtun1: openvpn not running.*vyos02 vtun3: openvpn not running/,
      );

      // An unhealthy lab is refused unless asked: here the measurement of the damage is the point.
      const refused = await scratch.geostage(['verify', 'keio-2019']);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/is not healthy .*verify --force/);
      const verify = await scratch.geostage(['verify', 'keio-2019', '--concurrency', '16', '--force']);
      expect(verify.code).toBe(1);
      const reported = [...verify.stdout.matchAll(/^ {2}(\S+) -> (\S+): reach o, measured x$/gm)].map(
        ([, from, to]) => `${from} -> ${to}`,
      );
      const site2 = new Set(['node01', 'node02']);
      const names = state.servers.map((server) => server.name);
      const lost = names.flatMap((from) =>
        names
          .filter((to) => to !== from && site2.has(from) !== site2.has(to))
          .map((to) => `${from} -> ${to}`),
      );
      expect(lost).toHaveLength(24);
      expect(reported.sort()).toEqual(lost.sort());
      expect(verify.stdout).toContain('24 of 56 server pairs disagree with reach:');
      const measured = results();
      if (typeof measured === 'string') throw new Error(measured);
      expect(
        measured.pairs
          .filter((pair) => !pair.reachable)
          .map((pair) => `${pair.from} -> ${pair.to}`)
          .sort(),
      ).toEqual(lost.sort());
    });

    it('lab down leaves no namespace, no process and no interface behind', async () => {
      const down = await scratch.geostage(['lab', 'down', 'keio-2019']);
      expect(down.code).toBe(0);
      expect(down.stdout).toContain('4 of 6 processes stopped (the others had exited)');
      expect(down.stdout).toContain('15 namespaces removed');
      const listed = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
      expect(listed.split('\n').filter((line) => line.startsWith(state.prefix))).toEqual([]);
      // pgrep exits 1 when nothing matches: no openvpn (or anything) still names the lab folder.
      expect(spawnSync('pgrep', ['-f', scratch.environmentFolder]).status).toBe(1);
      expect(hostInterfaces()).toEqual(linksBefore);
      expect(existsSync(join(scratch.environmentFolder, '.lab'))).toBe(false);
      const again = await scratch.geostage(['lab', 'down', 'keio-2019']);
      expect(again.stdout).toContain('no lab of keio-2019 is up');
    });
  });
}
