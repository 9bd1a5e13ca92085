// Issue 11 end to end: a tunnel port changed in the topology reaches the lab. keio-2019 up and
// applied once (so apply's state holds every step as completed), then `vpn.port` moves from
// 1194 to 1300 and the files are generated again: lab status and verify name the lab stale,
// apply runs every changed router again (nft and the OpenVPN restarts included, not "completed
// before"), and afterwards the routers listen on the new ports only, the tunnels pass, the lab's
// record names the processes that listen, and verify agrees with reach.
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type LabState, labPrefix } from '@geostage/lab';
import { namespaceSupport } from '@geostage/transport';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { remains, type Scratch, scratchRepository } from './scratch.ts';

const support = namespaceSupport();
const ROUTERS = ['vyos01', 'vyos02', 'vyos03'];
const OLD_PORT = 1194;
const NEW_PORT = 1300;

/** The UDP ports openvpn listens on inside a namespace, with the pid of the listener. */
function openvpnListeners(namespace: string): { port: number; pid: number }[] {
  const listed = execFileSync('ip', ['netns', 'exec', namespace, 'ss', '-Hulnp'], { encoding: 'utf8' });
  return [...listed.matchAll(/:(\d+)\s+\S+\s+users:\(\("openvpn",pid=(\d+)/g)]
    .map(([, port, pid]) => ({ port: Number(port), pid: Number(pid) }))
    .sort((a, b) => a.port - b.port);
}

if (support !== null) {
  console.warn(`test/lab/tunnel-port: skipped: ${support}`);
  describe('a tunnel port changed in the topology reaches the lab', () => {
    it.skip(`skipped: ${support}`, () => {});
  });
} else {
  describe('a tunnel port changed in the topology reaches the lab: keio-2019', () => {
    let scratch: Scratch;
    const lab = () => join(scratch.environmentFolder, '.lab');
    const state = () => JSON.parse(readFileSync(join(lab(), 'state.json'), 'utf8')) as LabState;
    const namespaceOf = (router: string) => state().routers.find((one) => one.name === router)!.namespace;
    const before = new Map<string, number[]>();

    beforeAll(async () => {
      const started = Date.now();
      scratch = scratchRepository('keio-2019');
      const up = await scratch.geostage(['lab', 'up', 'keio-2019']);
      expect(up.code, up.stdout + up.stderr).toBe(0);
      const applied = await scratch.geostage(['apply', 'keio-2019', '--lab']);
      expect(applied.code, applied.stdout + applied.stderr).toBe(0);
      for (const router of ROUTERS)
        before.set(
          router,
          openvpnListeners(namespaceOf(router)).map((one) => one.port),
        );
      console.log(`tunnel-port: lab up and a first apply in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }, 180_000);

    afterAll(async () => {
      await scratch.geostage(['lab', 'down', 'keio-2019', '--force']);
      if (!process.env.GS_KEEP) rmSync(scratch.folder, { recursive: true, force: true });
    });

    it('starts on the default ports: each router listens on 1194 + peer site id - 1', () => {
      expect(Object.fromEntries(before)).toEqual({
        vyos01: [1195, 1196],
        vyos02: [1194, 1196],
        vyos03: [1194, 1195],
      });
    });

    it('names the lab stale after the port changes and the files are generated again; verify refuses it', async () => {
      const topology = join(scratch.environmentFolder, 'topology.yaml');
      const document = parseDocument(readFileSync(topology, 'utf8'));
      expect(document.getIn(['vpn', 'port'])).toBeUndefined();
      document.setIn(['vpn', 'port'], NEW_PORT);
      writeFileSync(topology, document.toString());
      const generated = await scratch.geostage(['generate', 'keio-2019']);
      expect(generated.code, generated.stdout + generated.stderr).toBe(0);
      expect(generated.stdout).toMatch(/generated\/network: \d+ files, [1-9]\d* written/);

      const status = await scratch.geostage(['lab', 'status', 'keio-2019']);
      expect(status.code, status.stdout + status.stderr).toBe(1);
      expect(status.stderr).toMatch(
        /the lab of keio-2019 is stale: .*generated\/network\/routers\/vyos01\/config\.boot changed.*; run geostage apply keio-2019 --lab/,
      );
      const verify = await scratch.geostage(['verify', 'keio-2019']);
      expect(verify.code, verify.stdout + verify.stderr).toBe(1);
      expect(verify.stderr).toMatch(
        /the lab of keio-2019 is stale: .*routers\/vyos0\d\/config\.(boot|set) changed.*run geostage apply keio-2019 --lab/,
      );
      // Refused before measuring: no results written.
      expect(verify.stdout).not.toContain('pairs in');
    }, 60_000);

    it('apply runs every changed router again, and the lab then runs OpenVPN on the new ports only', async () => {
      const started = Date.now();
      const applied = await scratch.geostage(['apply', 'keio-2019', '--lab']);
      const seconds = (Date.now() - started) / 1000;
      console.log(`tunnel-port: apply after the port change in ${seconds.toFixed(1)} s`);
      expect(applied.code, applied.stdout + applied.stderr).toBe(0);
      expect(applied.stdout).toMatch(/is stale: .*; apply brings its routers to the files on disk/);
      for (const router of ROUTERS) {
        expect(applied.stdout).toMatch(new RegExp(`^ {2}\\[routers\\] ${router} +ran \\(\\d+ steps`, 'm'));
        expect(applied.stdout).not.toMatch(new RegExp(`\\[routers\\] ${router} +already done`));
        // The commands that act on the changed files ran, not "completed before".
        expect(applied.stdout).toMatch(new RegExp(`^\\[routers\\] ${router}: \\d+/\\d+ ok nft -f `, 'm'));
        expect(
          applied.stdout.match(new RegExp(`^\\[routers\\] ${router}: \\d+/\\d+ ok restart openvpn `, 'gm')),
        ).toHaveLength(2);
        expect(applied.stdout).toMatch(new RegExp(`^ {2}\\[tunnel-check\\] ${router} +ran`, 'm'));
      }
      expect(applied.stdout).toMatch(/^apply keio-2019 done in /m);

      const recorded = state();
      for (const router of ROUTERS) {
        const listeners = openvpnListeners(namespaceOf(router));
        expect(
          listeners.map((one) => one.port),
          router,
        ).toEqual(before.get(router)!.map((port) => port - OLD_PORT + NEW_PORT));
        // No listener is left on an old port, and each listener is the process the lab records.
        for (const port of before.get(router)!) expect(listeners.map((one) => one.port)).not.toContain(port);
        const pids = recorded.processes.filter((one) => one.router === router).map((one) => one.pid);
        expect(listeners.map((one) => one.pid).sort()).toEqual([...pids].sort());
        for (const process of recorded.processes.filter((one) => one.router === router))
          expect(Number(readFileSync(join(lab(), process.pidFile!), 'utf8'))).toBe(process.pid);
      }
    }, 180_000);

    it('the tunnels pass on the new ports, the lab is no longer stale, and verify agrees', async () => {
      // A ping across every tunnel, from one end's tunnel interface to the other end.
      for (const process of state().processes) {
        const config = readFileSync(
          join(lab(), 'routers', process.router, 'etc', 'openvpn', 'geostage', `${process.interface}.conf`),
          'utf8',
        );
        // Three sites: the ports are NEW_PORT + peer site id - 1, both ends.
        for (const key of ['lport', 'rport']) {
          const port = Number(new RegExp(`^${key} (\\d+)$`, 'm').exec(config)?.[1]);
          expect(port, `${process.router} ${process.interface} ${key}`).toBeGreaterThanOrEqual(NEW_PORT);
          expect(port, `${process.router} ${process.interface} ${key}`).toBeLessThan(NEW_PORT + 3);
        }
        const far = /^ifconfig\s+\S+\s+(\S+)/m.exec(config)![1]!;
        const ping = execFileSync(
          'ip',
          ['netns', 'exec', process.namespace, 'ping', '-c', '1', '-w', '10', '-I', process.interface, far],
          { encoding: 'utf8' },
        );
        expect(ping, `${process.router} ${process.interface} -> ${far}`).toContain('1 received');
      }
      const status = await scratch.geostage(['lab', 'status', 'keio-2019']);
      expect(status.code, status.stdout + status.stderr).toBe(0);
      expect(status.stderr).not.toContain('stale');
      const started = Date.now();
      const verify = await scratch.geostage(['verify', 'keio-2019']);
      console.log(`tunnel-port: verify in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      expect(verify.code, verify.stdout + verify.stderr).toBe(0);
      expect(verify.stdout).toContain('The lab agrees with reach on all 56 server pairs.');
    }, 120_000);

    it('lab down leaves no namespace and no process of the lab', async () => {
      const prefix = labPrefix(scratch.environmentFolder);
      const down = await scratch.geostage(['lab', 'down', 'keio-2019']);
      expect(down.code, down.stdout + down.stderr).toBe(0);
      expect(await remains(prefix, lab())).toEqual([]);
    }, 60_000);
  });
}
