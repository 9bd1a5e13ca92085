// apply on real hosts, proven on booted machines (issue 16, Done means): an environment with
// `lab up --machines` (every router and server a booted Debian under systemd-nspawn), then
// `geostage apply <env> --inventory .lab/inventory.yaml` configures every router and server from
// scratch over real SSH, servers through their router, with nothing lab-specific in apply. The
// test interrupts the first apply in the middle, reruns it to the end, checks on the machines
// (units active, networkd holds the netplan addresses, HAProxy runs the generated file), measures
// the after-VPN matrix with verify, reruns apply (nothing changes, and it says so), and stops one
// server's sshd (that host fails alone, named with its step; exit 3). kubeadm cannot be
// installed here: its phases are NOT RUN, saying so, and never counted as done.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ensureImage, namespaceSupport } from '@geostage/lab';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { machinesMissing, type Scratch, scratchRepository } from './scratch.ts';

const support = namespaceSupport() ?? machinesMissing();

/** One summary line: `  [phase] host   status...`. */
function summaryOf(output: string, phase: string, host: string): string {
  const line = output.split('\n').find((one) => new RegExp(`^ {2}\\[${phase}\\] ${host} +`).test(one));
  return line?.replace(new RegExp(`^ {2}\\[${phase}\\] ${host} +`), '') ?? '(no summary line)';
}

if (support !== null) {
  console.warn(`test/lab/apply-machines: skipped: ${support}`);
  describe('apply --inventory on booted machines', () => {
    it.skip(`skipped: ${support}`, () => {});
  });
} else {
  describe('apply --inventory on booted machines: keio-2019', () => {
    let scratch: Scratch;
    const env = 'keio-2019';
    const lab = () => join(scratch.environmentFolder, '.lab');
    const inventoryFile = () => join(lab(), 'inventory.yaml');

    /** A command on a machine over SSH as an operator would run it (servers through their router). */
    function ssh(host: string, command: string): string {
      const inventory = parse(readFileSync(inventoryFile(), 'utf8'));
      const options = (alias: string) => [
        '-i',
        inventory.defaults.identity,
        '-o',
        'BatchMode=yes',
        '-o',
        'StrictHostKeyChecking=yes',
        '-o',
        `UserKnownHostsFile=${join(lab(), inventory.knownHosts)}`,
        '-o',
        `HostKeyAlias=${alias}`,
        '-o',
        'ConnectTimeout=5',
        '-o',
        'LogLevel=ERROR',
      ];
      const entry = inventory.hosts[host];
      const jump = entry.jump
        ? [
            '-o',
            `ProxyCommand=ssh ${options(entry.jump).join(' ')} -W %h:%p root@${inventory.hosts[entry.jump].address}`,
          ]
        : [];
      return execFileSync(
        'ip',
        [
          'netns',
          'exec',
          inventory.defaults.namespace,
          'ssh',
          ...jump,
          ...options(host),
          `root@${entry.address}`,
          command,
        ],
        { encoding: 'utf8', timeout: 30_000 },
      );
    }

    beforeAll(async () => {
      const image = await ensureImage({ progress: (line) => console.log(line) });
      if (!image.ok) throw new Error(image.error);
      scratch = scratchRepository(env);
      const secrets = await scratch.geostage(['secrets', 'init', env]);
      expect(secrets.code, secrets.stdout + secrets.stderr).toBe(0);
      const up = await scratch.geostage(['lab', 'up', env, '--machines']);
      expect(up.code, up.stdout + up.stderr).toBe(0);
    }, 600_000);

    afterAll(async () => {
      if (scratch && existsSync(lab())) await scratch.geostage(['lab', 'down', env]);
      if (scratch && !process.env.GS_KEEP) rmSync(scratch.folder, { recursive: true, force: true });
    });

    it('configures every router and server from scratch over SSH; SIGINT in the middle, then a rerun, finishes', async () => {
      const args = ['apply', env, '--inventory', inventoryFile()];
      // Interrupt once the servers' phase is under way.
      const first = scratch.start(args);
      await first.line(/^\[server-networking\] \S+: \d+\/\d+ ok /, 240_000);
      first.interrupt('SIGINT', 'group');
      const stopped = await first.finished;
      expect(stopped.code, first.output()).toBe(130);
      expect(stopped.stdout).toMatch(/interrupted/);
      expect(stopped.stdout).not.toMatch(/FAILED/);

      const started = Date.now();
      const rerun = await scratch.geostage(args);
      console.log(`apply rerun after SIGINT: ${((Date.now() - started) / 1000).toFixed(1)} s`);
      const output = rerun.stdout;
      // Everything up to the load balancer is configured; kubeadm is not installed on these machines.
      expect(rerun.code, output + rerun.stderr).toBe(3);
      for (const router of ['vyos01', 'vyos02', 'vyos03'])
        expect(summaryOf(output, 'routers', router), router).toMatch(/^(ran|already done)/);
      for (const router of ['vyos01', 'vyos02', 'vyos03'])
        expect(summaryOf(output, 'tunnel-check', router), router).toMatch(/^(ran|checked|already done)/);
      for (const server of ['lb', 'master01', 'master02', 'master03', 'node01', 'node02', 'node03', 'node04'])
        expect(summaryOf(output, 'server-networking', server), server).toMatch(/^(ran|already done)/);
      expect(summaryOf(output, 'load-balancer', 'lb')).toMatch(/^ran/);
      expect(summaryOf(output, 'first-control-plane', 'master01')).toMatch(
        /^NOT RUN: kubeadm is not installed on master01: install containerd, kubelet and kubeadm/,
      );
      // The later cluster phases wait on the first control plane, and say so.
      expect(summaryOf(output, 'workers', 'node01')).toMatch(/^NOT RUN: .*master01/);
      expect(output).not.toMatch(/FAILED/);
      expect(rerun.stdout).toMatch(/^apply keio-2019 NOT done: 0 failed, \d+ not run/m);
    }, 600_000);

    it('leaves the machines as the generated files say: units active, netplan addresses, HAProxy with the generated file', async () => {
      // Routers: the tunnels' units run, nftables is loaded, forwarding is on.
      const router = ssh(
        'vyos01',
        'systemctl is-active openvpn-geostage@vtun2.service openvpn-geostage@vtun3.service; sysctl -n net.ipv4.ip_forward; nft list tables',
      );
      expect(router).toMatch(/^active\nactive\n1\n/);
      expect(router).toMatch(/table inet/);
      // Servers: networkd holds the address the netplan file sets, and the route through the router.
      const node01 = ssh('node01', 'ip -4 -o addr show; ip -4 route show default; ls /run/systemd/network/');
      expect(node01).toContain('192.168.20.101/24');
      expect(node01).toMatch(/default via 192\.168\.20\.\d+/);
      expect(node01).toMatch(/10-netplan-/);
      // The load balancer runs HAProxy with exactly the generated file.
      const generated = readFileSync(
        join(scratch.environmentFolder, 'generated', 'cluster', 'load-balancers', 'lb', 'haproxy.cfg'),
      );
      const lb = ssh('lb', 'systemctl is-active haproxy.service; sha256sum /etc/haproxy/haproxy.cfg');
      expect(lb.split('\n')[0]).toBe('active');
      expect(lb).toContain(createHash('sha256').update(generated).digest('hex'));
    }, 120_000);

    it('verify measures the full after-VPN matrix across the machines', async () => {
      const verify = await scratch.geostage(['verify', env]);
      expect(verify.code, verify.stdout + verify.stderr).toBe(0);
      expect(verify.stdout).toContain('56 of 56 server pairs reachable');
      expect(verify.stdout).toContain('The lab agrees with reach on all 56 server pairs.');
    }, 180_000);

    it('a second apply changes nothing and says so', async () => {
      const again = await scratch.geostage(['apply', env, '--inventory', inventoryFile()]);
      for (const [phase, host] of [
        ['routers', 'vyos02'],
        ['server-networking', 'node04'],
        ['load-balancer', 'lb'],
      ] as const)
        expect(summaryOf(again.stdout, phase, host), host).toMatch(/^(already done|checked \()/);
      expect(again.stdout).not.toMatch(/^ {2}\[(routers|server-networking|load-balancer)\] \S+ +ran/m);
      expect(again.stdout).toMatch(
        /^ {2}\[server-networking\] node04 +checked \(1 check passed, 5 steps done before\)/m,
      );
      // Still exit 3: the kubeadm phases are not run, and that is never "done".
      expect(again.code).toBe(3);
    }, 300_000);

    it('a host whose sshd is stopped fails alone, named with its step; exit 3', async () => {
      ssh('node03', 'systemctl stop ssh.service ssh.socket 2>/dev/null; true');
      const run = await scratch.geostage(['apply', env, '--inventory', inventoryFile()]);
      expect(run.code).toBe(3);
      expect(summaryOf(run.stdout, 'server-networking', 'node03')).toMatch(/^FAILED: node03: connect: /);
      expect(run.stderr).toMatch(/\[server-networking\] node03 FAILED: node03: connect/);
      for (const host of ['node01', 'node02', 'node04', 'master01'])
        expect(summaryOf(run.stdout, 'server-networking', host), host).toMatch(/^checked \(/);
      expect(summaryOf(run.stdout, 'load-balancer', 'lb')).toMatch(/^already done/);
    }, 300_000);
  });

  describe('apply --inventory on booted machines: global-hub (hub-and-spoke, a NATed site, TLS, VLANs)', () => {
    let scratch: Scratch;
    const env = 'global-hub';
    const lab = () => join(scratch.environmentFolder, '.lab');

    beforeAll(async () => {
      const image = await ensureImage({ progress: (line) => console.log(line) });
      if (!image.ok) throw new Error(image.error);
      scratch = scratchRepository(env);
      // The committed CA's key is not in the repository: a new CA for this scratch copy, then its files.
      const secrets = await scratch.geostage(['secrets', 'init', env, '--force']);
      expect(secrets.code, secrets.stdout + secrets.stderr).toBe(0);
      const generated = await scratch.geostage(['generate', env]);
      expect(generated.code, generated.stdout + generated.stderr).toBe(0);
      const up = await scratch.geostage(['lab', 'up', env, '--machines']);
      expect(up.code, up.stdout + up.stderr).toBe(0);
    }, 600_000);

    afterAll(async () => {
      if (scratch && existsSync(lab())) await scratch.geostage(['lab', 'down', env]);
      if (scratch && !process.env.GS_KEEP) rmSync(scratch.folder, { recursive: true, force: true });
    });

    it('configures all four routers (the NATed one through its port forward) and every server, then verify measures all 72 pairs', async () => {
      const started = Date.now();
      const run = await scratch.geostage(['apply', env, '--inventory', join(lab(), 'inventory.yaml')]);
      console.log(`apply global-hub on 13 machines: ${((Date.now() - started) / 1000).toFixed(1)} s`);
      expect(run.code, run.stdout + run.stderr).toBe(3);
      for (const router of ['hub-tokyo', 'rt-osaka', 'rt-berlin', 'rt-campus'])
        expect(summaryOf(run.stdout, 'routers', router), router).toMatch(/^ran/);
      for (const server of ['lb-tokyo', 'cp-osaka', 'w-berlin-1', 'w-campus-1', 'w-campus-2'])
        expect(summaryOf(run.stdout, 'server-networking', server), server).toMatch(/^ran/);
      expect(summaryOf(run.stdout, 'load-balancer', 'lb-tokyo')).toMatch(/^ran/);
      expect(summaryOf(run.stdout, 'first-control-plane', 'cp-tokyo')).toMatch(
        /^NOT RUN: kubeadm is not installed/,
      );
      expect(run.stdout).not.toMatch(/FAILED/);
      const verify = await scratch.geostage(['verify', env]);
      expect(verify.code, verify.stdout + verify.stderr).toBe(0);
      expect(verify.stdout).toContain('72 of 72 server pairs reachable');
      expect(verify.stdout).toContain('The lab agrees with reach on all 72 server pairs.');
    }, 600_000);
  });
}
