// Issue 11 in the lab: apply and the lab tell the truth. global-hub: apply configures all four
// routers (the NATed one through its hub's tunnel) and says so per host; the NATed spoke answers
// again within 10 s of a hub restart; a downed tunnel makes `lab status` exit 1 naming it and
// `lab up` repairs it; a stale lab is named stale and verify refuses it; SIGINT to `lab up`
// leaves nothing; a corrupt state is refused and `lab down --force` leaves nothing.

import { spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type LabState, labPrefix } from '@geostage/lab';
import { namespaceSupport, run } from '@geostage/transport';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { remains, type Scratch, scratchRepository } from './scratch.ts';

const support = namespaceSupport();
const main = join(import.meta.dirname, '..', '..', 'packages', 'cli', 'src', 'main.ts');

if (support !== null) {
  describe('the lab tells the truth', () => {
    it.skip(`skipped: ${support}`, () => {});
  });
} else {
  describe('the lab tells the truth: global-hub', () => {
    let scratch: Scratch;
    const lab = () => join(scratch.environmentFolder, '.lab');
    const state = () => JSON.parse(readFileSync(join(lab(), 'state.json'), 'utf8')) as LabState;

    beforeAll(async () => {
      scratch = scratchRepository('global-hub');
      const up = await scratch.geostage(['lab', 'up', 'global-hub']);
      expect(up.code, up.stdout + up.stderr).toBe(0);
    }, 120_000);

    afterAll(async () => {
      await scratch.geostage(['lab', 'down', 'global-hub', '--force']);
      rmSync(scratch.folder, { recursive: true, force: true });
    });

    it('applies all four routers, the NATed one through its hub, and a rerun still checks the tunnels', async () => {
      const applied = await scratch.geostage(['apply', 'global-hub', '--lab']);
      expect(applied.code, applied.stdout + applied.stderr).toBe(0);
      for (const router of ['hub-tokyo', 'rt-osaka', 'rt-berlin', 'rt-campus'])
        expect(applied.stdout).toMatch(new RegExp(`\\[routers\\] ${router} +ran`));
      expect(applied.stdout).toMatch(/\[tunnel-check\] rt-campus +ran/);
      const again = await scratch.geostage(['apply', 'global-hub', '--lab']);
      expect(again.code, again.stdout + again.stderr).toBe(0);
      expect(again.stdout).toMatch(/\[routers\] rt-campus +already done/);
      expect(again.stdout).toMatch(/\[tunnel-check\] rt-campus +ran/);
    }, 300_000);

    type Router = NonNullable<LabState['inventory']>['routers'][number];
    const router = (name: string) => state().inventory!.routers.find((one) => one.name === name)!;
    const tunnelOf = (of: Router, name: string) => of.tunnels.find((one) => one.tunnel === name)!;
    const alive = (pid: number) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    /** Stops one tunnel end's OpenVPN and starts it again with the command the lab recorded. */
    async function restart(tunnel: ReturnType<typeof tunnelOf>): Promise<void> {
      const pid = Number(readFileSync(tunnel.pidFile, 'utf8'));
      process.kill(pid, 'SIGTERM');
      while (alive(pid)) await new Promise((done) => setTimeout(done, 50));
      await run(tunnel.command[0]!, tunnel.command.slice(1));
    }
    /** Seconds until `address` answers a ping from `from` across `tunnel`, or null within `limit` s. */
    async function answersAfter(
      from: Router,
      tunnel: ReturnType<typeof tunnelOf>,
      limit: number,
    ): Promise<number | null> {
      const peer = /^ifconfig\s+\S+\s+(\S+)/m.exec(
        readFileSync(join(from.root, 'etc/openvpn/geostage', `${tunnel.interface}.conf`), 'utf8'),
      )![1]!;
      const started = Date.now();
      while (Date.now() - started < limit * 1000) {
        const answered = await run('ip', [
          'netns',
          'exec',
          from.namespace,
          'ping',
          '-c',
          '1',
          '-W',
          '1',
          '-I',
          tunnel.interface,
          peer,
        ]).then(
          () => true,
          () => false,
        );
        if (answered) return (Date.now() - started) / 1000;
      }
      return null;
    }

    it('has the NATed spoke answer again within 10 s of a hub restart', async () => {
      const hub = router('hub-tokyo');
      const tunnel = tunnelOf(hub, 'tokyo--campus');
      await restart(tunnel);
      const seconds = await answersAfter(hub, tunnel, 30);
      console.log(
        `global-hub: rt-campus answered across tokyo--campus ${seconds} s after the hub restarted it`,
      );
      expect(seconds).not.toBeNull();
      expect(seconds).toBeLessThan(10);
      // The lab's record learns the new pid when lab up repairs or apply restarts; here lab up does.
      const up = await scratch.geostage(['lab', 'up', 'global-hub']);
      expect(up.code, up.stdout + up.stderr).toBe(0);
    }, 120_000);

    // What an apply that changes both ends of a tunnel does: one end restarts, and the other a
    // moment later, while the first is in a handshake with the other's old process. With
    // OpenVPN's default hand-window that end ignored the new process for 60 s (CI saw an apply
    // whose tunnel check failed). With 10 s at both ends the two windows ran out together and
    // collided again (CI saw 45 s and more). The generated windows differ: 10 s at the initiator
    // (rt-berlin), 15 s at the responder (hub-tokyo). Both orders are tried.
    it('has tokyo--berlin answer within 30 s when its two ends restart 0.2 s apart, in either order', async () => {
      const hub = tunnelOf(router('hub-tokyo'), 'tokyo--berlin');
      const spoke = tunnelOf(router('rt-berlin'), 'tokyo--berlin');
      try {
        for (const [first, second, order] of [
          [spoke, hub, 'rt-berlin first'],
          [hub, spoke, 'hub-tokyo first'],
        ] as const) {
          await restart(first);
          await new Promise((done) => setTimeout(done, 200));
          await restart(second);
          const seconds = await answersAfter(router('hub-tokyo'), hub, 45);
          console.log(`global-hub: tokyo--berlin answered ${seconds} s after both ends restarted, ${order}`);
          expect(seconds, order).not.toBeNull();
          expect(seconds, order).toBeLessThan(30);
        }
      } finally {
        // The lab's record learns the new pids when lab up repairs, also after a failure here.
        const up = await scratch.geostage(['lab', 'up', 'global-hub']);
        expect(up.code, up.stdout + up.stderr).toBe(0);
      }
    }, 240_000);

    it('names a downed tunnel in lab status (exit 1), and lab up repairs it', async () => {
      const hub = state().processes.find(
        (one) => one.router === 'hub-tokyo' && one.tunnel === 'tokyo--berlin',
      )!;
      await run('ip', ['-n', hub.namespace, 'link', 'set', hub.interface, 'down']);
      const status = await scratch.geostage(['lab', 'status', 'global-hub']);
      expect(status.code).toBe(1);
      expect(status.stdout).toMatch(/down +tokyo--berlin +hub-tokyo vtun3 .*interface down/);
      const up = await scratch.geostage(['lab', 'up', 'global-hub']);
      expect(up.code, up.stdout + up.stderr).toBe(0);
      expect(up.stdout).toMatch(/repaired: tunnel tokyo--berlin/);
      const after = await scratch.geostage(['lab', 'status', 'global-hub']);
      expect(after.code, after.stdout + after.stderr).toBe(0);
    }, 120_000);

    it('names a stale lab in lab status, and verify refuses it', async () => {
      const file = join(scratch.environmentFolder, 'generated/network/servers/lb-tokyo/netplan.yaml');
      const before = readFileSync(file, 'utf8');
      writeFileSync(file, `${before}# changed\n`);
      try {
        const status = await scratch.geostage(['lab', 'status', 'global-hub']);
        expect(status.code).toBe(1);
        expect(status.stderr).toMatch(/is stale: .*servers\/lb-tokyo\/netplan\.yaml changed.*lab down/);
        const verify = await scratch.geostage(['verify', 'global-hub']);
        expect(verify.code).toBe(1);
        expect(verify.stderr).toMatch(/is stale/);
      } finally {
        writeFileSync(file, before);
      }
    }, 60_000);

    it('refuses a corrupt state, and lab down --force leaves nothing', async () => {
      const { prefix } = state();
      writeFileSync(join(lab(), 'state.json'), '{ not json');
      const status = await scratch.geostage(['lab', 'status', 'global-hub']);
      expect(status.code).toBe(1);
      expect(status.stderr).toMatch(/corrupt.*lab down global-hub --force/);
      const down = await scratch.geostage(['lab', 'down', 'global-hub']);
      expect(down.code).toBe(1);
      const forced = await scratch.geostage(['lab', 'down', 'global-hub', '--force']);
      expect(forced.code, forced.stdout + forced.stderr).toBe(0);
      expect(await remains(prefix, lab())).toEqual([]);
    }, 60_000);

    it('rolls back lab up on SIGINT at several points: nothing remains', async () => {
      for (const after of [300, 1500, 3000]) {
        const child = spawn(process.execPath, [main, 'lab', 'up', 'global-hub'], { cwd: scratch.folder });
        let output = '';
        child.stdout.on('data', (chunk) => {
          output += chunk;
        });
        child.stderr.on('data', (chunk) => {
          output += chunk;
        });
        await new Promise((done) => setTimeout(done, after));
        child.kill('SIGINT');
        const code = await new Promise<number | null>((done) => child.on('close', done));
        const down = await scratch.geostage(['lab', 'down', 'global-hub']);
        expect(down.code, down.stdout + down.stderr).toBe(0);
        expect(await remains(labPrefix(scratch.environmentFolder), lab()), output).toEqual([]);
        // Before Node has installed its handlers (the first instant) SIGINT kills it outright: nothing was made yet.
        expect([0, 130, null], output).toContain(code);
      }
    }, 180_000);
  });
}
