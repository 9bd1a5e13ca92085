// apply over real SSH into the lab: keio-2019 built, the routers' generated state wiped inside
// their namespaces (openvpn stopped, nftables flushed, forwarding off, installed files gone),
// then `geostage apply --lab --phase routers` puts it back through sshd from the operator
// namespace, and verify measures all 56 pairs reachable again.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseVerify } from '@geostage/environment';
import { type LabState, namespaceSupport } from '@geostage/lab';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Scratch, scratchRepository } from './scratch.ts';

const support =
  namespaceSupport() ?? (existsSync('/usr/sbin/sshd') ? null : 'needs /usr/sbin/sshd (openssh-server)');
const ROUTERS = ['vyos01', 'vyos02', 'vyos03'];

const alive = (pid: number) => {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

if (support !== null) {
  console.warn(`test/lab/apply: skipped: ${support}`);
  describe('apply over SSH into the lab: keio-2019', () => {
    it.skip(`skipped: ${support}`, () => {});
  });
} else {
  describe('apply over SSH into the lab: keio-2019', () => {
    let scratch: Scratch;
    let state: LabState;
    const lab = () => join(scratch.environmentFolder, '.lab');
    const readState = () => JSON.parse(readFileSync(join(lab(), 'state.json'), 'utf8')) as LabState;
    const routerNamespace = (router: string) => state.routers.find((one) => one.name === router)!.namespace;
    const inRouter = (router: string, ...command: string[]) =>
      execFileSync('ip', ['netns', 'exec', routerNamespace(router), ...command], { encoding: 'utf8' });

    beforeAll(async () => {
      scratch = scratchRepository('keio-2019');
      const up = await scratch.geostage(['lab', 'up', 'keio-2019']);
      expect(up.code, up.stderr).toBe(0);
      state = readState();
    });

    afterAll(async () => {
      if (existsSync(lab())) await scratch.geostage(['lab', 'down', 'keio-2019']);
      if (!process.env.GS_KEEP) rmSync(scratch.folder, { recursive: true, force: true });
    });

    it('lab up adds an operator namespace on the underlay and an sshd per router on its WAN address', () => {
      expect(state.access?.namespace).toBe(`${state.prefix}o`);
      expect(state.access?.addresses).toEqual(['10.4.255.254/16']);
      expect(state.access?.sshd.map((sshd) => `${sshd.router} ${sshd.address}`)).toEqual([
        'vyos01 10.4.0.90',
        'vyos02 10.4.0.91',
        'vyos03 10.4.0.92',
      ]);
      for (const sshd of state.access!.sshd) {
        expect(alive(sshd.pid)).toBe(true);
        expect(inRouter(sshd.router, 'ss', '-Htln')).toContain(`${sshd.address}:22`);
      }
      expect((statSync(join(lab(), 'ssh')).mode & 0o777).toString(8)).toBe('700');
    });

    it('apply --lab --phase routers restores wiped routers over SSH, and verify finds all 56 pairs again', async () => {
      // Wipe what the routers phase makes: tunnels, firewall, forwarding, installed files.
      for (const process of state.processes)
        if (alive(process.pid)) execFileSync('kill', [String(process.pid)]);
      for (const router of ROUTERS) {
        inRouter(router, 'nft', 'flush', 'ruleset');
        inRouter(router, 'sysctl', '-q', '-w', 'net.ipv4.ip_forward=0');
        rmSync(join(lab(), 'routers', router, 'etc'), { recursive: true, force: true });
      }
      await new Promise((done) => setTimeout(done, 300));
      const broken = await scratch.geostage(['verify', 'keio-2019']);
      expect(broken.code).toBe(1);

      const applied = await scratch.geostage(['apply', 'keio-2019', '--lab', '--phase', 'routers']);
      expect(applied.stderr.replace(/^warning: static-key.*\n/gm, '')).toBe('');
      expect(applied.code).toBe(0);
      expect(applied.stdout).toContain('routers run the Linux flavour');
      expect(applied.stdout).toContain(
        'vyos01: the topology says vyos 1.2; the lab runs the Linux flavour of it',
      );
      expect(applied.stdout).toContain(`over SSH from ${state.prefix}o`);
      expect(applied.stdout).toMatch(/^\[routers\] vyos02: 12\/12 ok restart openvpn vtun3/m);
      expect(applied.stdout).toMatch(/36 steps ran, 0 completed before and skipped/);
      for (const router of ROUTERS) {
        expect(inRouter(router, 'nft', 'list', 'ruleset')).toContain('table inet geostage');
        expect(inRouter(router, 'sysctl', '-n', 'net.ipv4.ip_forward').trim()).toBe('1');
        for (const tunnel of state.processes.filter((process) => process.router === router))
          expect(
            existsSync(
              join(lab(), 'routers', router, 'etc', 'openvpn', 'geostage', `${tunnel.interface}.conf`),
            ),
          ).toBe(true);
        expect(readFileSync(join(lab(), 'logs', `apply-${router}.log`), 'utf8')).toContain('ok in');
      }
      const keyFile = join(lab(), 'routers', 'vyos01', 'etc', 'openvpn', 'geostage', 'site1--site2.key');
      expect((statSync(keyFile).mode & 0o777).toString(8)).toBe('600');
      expect(readFileSync(keyFile, 'utf8')).toContain('BEGIN OpenVPN Static key');
      // The restarted openvpn processes are the ones the lab state now records.
      const after = readState();
      for (const process of after.processes) expect(alive(process.pid)).toBe(true);

      const checked = await scratch.geostage(['apply', 'keio-2019', '--lab', '--phase', 'tunnel-check']);
      expect(checked.code, checked.stderr).toBe(0);
      // One line pings both of vyos01's tunnels at once.
      expect(checked.stdout).toMatch(
        /^\[tunnel-check\] vyos01: 1\/1 ok ping -c 3 -W 2 -w 60 at once: -I vtun\d \S+, -I vtun\d \S+ \(/m,
      );

      const verified = await scratch.geostage(['verify', 'keio-2019']);
      expect(verified.code, verified.stdout).toBe(0);
      const results = parseVerify(
        readFileSync(join(scratch.environmentFolder, 'results', 'verify.json'), 'utf8'),
      );
      if (typeof results === 'string') throw new Error(results);
      expect(results.pairs.filter((pair) => pair.reachable)).toHaveLength(56);
    });

    it('a second apply skips every completed step, and --dry-run touches nothing', async () => {
      const applyState = join(lab(), 'apply-state.json');
      const before = readFileSync(applyState, 'utf8');
      const pids = readState().processes.map((process) => process.pid);
      const again = await scratch.geostage(['apply', 'keio-2019', '--lab', '--phase', 'routers']);
      expect(again.code, again.stderr).toBe(0);
      for (const router of ROUTERS)
        expect(again.stdout).toContain(`[routers] ${router}: all 12 steps completed before; skipped`);
      expect(again.stdout).toContain('0 steps ran, 36 completed before and skipped');
      expect(readState().processes.map((process) => process.pid)).toEqual(pids);

      rmSync(join(lab(), 'routers', 'vyos02', 'etc', 'nftables.conf'));
      inRouter('vyos02', 'nft', 'flush', 'ruleset');
      const dry = await scratch.geostage(['apply', 'keio-2019', '--lab', '--dry-run']);
      expect(dry.code, dry.stderr).toBe(0);
      expect(dry.stdout).toContain('dry run: nothing is touched');
      expect(dry.stdout).toMatch(/^ {4}done {2}upload .*vyos02\/etc\/nftables\.conf \(0644\)$/m);
      // Checks run on every apply, so the dry run says they would.
      expect(dry.stdout).toMatch(/^ {4}would ping -c 3 -W 2 -w 60 at once: -I vtun\d /m);
      expect(dry.stdout).toContain(
        '[first-control-plane] not executable in the lab: the lab servers are bare network namespaces',
      );
      expect(existsSync(join(lab(), 'routers', 'vyos02', 'etc', 'nftables.conf'))).toBe(false);
      expect(inRouter('vyos02', 'nft', 'list', 'ruleset')).toBe('');
      expect(readFileSync(applyState, 'utf8')).toBe(before);
    });

    it('lab down stops every sshd and removes the operator namespace with the rest', async () => {
      const sshd = readState().access!.sshd.map((one) => one.pid);
      const down = await scratch.geostage(['lab', 'down', 'keio-2019']);
      expect(down.code).toBe(0);
      expect(down.stdout).toContain('sshd: 3 of 3 stopped');
      expect(down.stdout).toContain(`namespaces: 15 removed, and the operator's ${state.prefix}o`);
      for (const pid of sshd) expect(alive(pid)).toBe(false);
      const listed = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
      expect(listed).not.toContain(state.prefix);
      const processes = execFileSync('ps', ['-eo', 'stat,args'], { encoding: 'utf8' })
        .split('\n')
        .filter((line) => line.includes(scratch.folder) && !line.startsWith('Z'));
      expect(processes).toEqual([]);
    });
  });
}
