// Booted machines in the lab (issue 16, item 4): keio-2019 with `lab up --machines` runs its three
// routers and eight servers as Debian systems under systemd-nspawn, each in its lab namespace,
// reachable over real SSH as apply will reach them (routers from the operator namespace, servers
// through their router), with the host keys the lab recorded; `lab down` leaves nothing; SIGINT
// rolls back. The image is built by scripts/setup.sh (`geostage lab image`); when it is missing
// this test builds it (about 80 s, hence the hook's timeout).
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  cgroupsByPrefix,
  ensureImage,
  hostInterfaces,
  type LabState,
  labPrefix,
  machineInit,
  namespaceSupport,
} from '@geostage/lab';
import { listNamespaces } from '@geostage/transport';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { machinesMissing, type Scratch, scratchRepository } from './scratch.ts';

const main = join(import.meta.dirname, '..', '..', 'packages', 'cli', 'src', 'main.ts');

/** Live (not zombie) processes whose command line contains `text`. */
function livePids(text: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry) && Number(entry) !== process.pid)
    .filter((pid) => {
      try {
        if (/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))) return false;
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(text);
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** What lab down must leave none of: namespaces of the prefix, machines of the prefix, processes naming the lab folder, overlays. */
async function remains(prefix: string, lab: string): Promise<string[]> {
  const namespaces = (await listNamespaces()).filter((name) => name.startsWith(prefix));
  const machines = livePids(`--machine=${prefix}m-`).map((pid) => `nspawn ${pid}`);
  const processes = livePids(`${lab}/`).map((pid) => `pid ${pid}`);
  const overlays = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter((line) => line.includes('nspawn-volatile'));
  const temporary = readdirSync('/tmp').filter((entry) => entry.startsWith('nspawn-volatile-'));
  const cgroups = cgroupsByPrefix(prefix);
  return [...namespaces, ...machines, ...processes, ...overlays, ...temporary, ...cgroups];
}

const support = namespaceSupport() ?? machinesMissing();
if (support !== null) {
  console.warn(`test/lab/machines: skipped: ${support}`);
  describe('lab up --machines: keio-2019', () => {
    it.skip(`skipped: ${support}`, () => {});
  });
} else {
  describe('lab up --machines: keio-2019', () => {
    let scratch: Scratch;
    let linksBefore: string[];
    const lab = () => join(scratch.environmentFolder, '.lab');
    const readState = () => JSON.parse(readFileSync(join(lab(), 'state.json'), 'utf8')) as LabState;

    /** ssh as apply does: from the operator namespace, key-only, the recorded host key, servers through their router. */
    function ssh(state: LabState, host: string, command: string): string {
      const inventory = parse(readFileSync(join(lab(), 'inventory.yaml'), 'utf8'));
      const known = join(lab(), inventory.knownHosts);
      const options = (alias: string) => [
        '-i',
        inventory.defaults.identity,
        '-o',
        'BatchMode=yes',
        '-o',
        'StrictHostKeyChecking=yes',
        '-o',
        `UserKnownHostsFile=${known}`,
        '-o',
        `HostKeyAlias=${alias}`,
        '-o',
        'ConnectTimeout=5',
      ];
      const entry = inventory.hosts[host];
      const target = (name: string) => {
        const one = inventory.hosts[name];
        return [...options(name), '-p', String(one.port ?? 22), `${inventory.defaults.user}@${one.address}`];
      };
      const jump = entry.jump
        ? [
            '-o',
            `ProxyCommand=ssh ${options(entry.jump).join(' ')} -W %h:%p -p ${inventory.hosts[entry.jump].port ?? 22} root@${inventory.hosts[entry.jump].address}`,
          ]
        : [];
      return execFileSync(
        'ip',
        ['netns', 'exec', state.access!.namespace, 'ssh', ...jump, ...target(host), command],
        { encoding: 'utf8', timeout: 30_000 },
      );
    }

    beforeAll(async () => {
      const image = await ensureImage({ progress: (line) => console.log(line) });
      if (!image.ok) throw new Error(image.error);
      scratch = scratchRepository('keio-2019');
      linksBefore = hostInterfaces();
    }, 600_000);

    afterAll(async () => {
      if (existsSync(lab())) await scratch.geostage(['lab', 'down', 'keio-2019']);
      if (!process.env.GS_KEEP) rmSync(scratch.folder, { recursive: true, force: true });
    });

    it('boots 3 routers and 8 servers, each sshd answering with its recorded host key, and writes the inventory', async () => {
      const up = await scratch.geostage(['lab', 'up', 'keio-2019', '--machines']);
      expect(up.code, up.stdout + up.stderr).toBe(0);
      expect(up.stderr).toBe('');
      expect(up.stdout).toContain(
        'vyos01: the topology says vyos 1.2; the lab boots it as a Debian machine running its Linux rendering (VyOS cannot boot here), platform: linux in the inventory',
      );
      expect(up.stdout).toMatch(/^machines: 11 booted, every sshd answering, in [\d.]+ s$/m);
      expect(up.stdout).toContain('lab of keio-2019 is up');
      const state = readState();
      expect(state.complete).toBe(true);
      expect(state.mode).toBe('machines');
      expect(state.processes).toEqual([]);
      expect(state.machines!.map((machine) => machine.host)).toEqual([
        'vyos01',
        'vyos02',
        'vyos03',
        'lb',
        'master01',
        'master02',
        'master03',
        'node01',
        'node02',
        'node03',
        'node04',
      ]);
      // Real nspawn processes, each booting its own systemd in its own lab namespace.
      for (const machine of state.machines!) {
        const args = readFileSync(`/proc/${machine.pid}/cmdline`, 'utf8').split('\0');
        expect(args[0]).toMatch(/systemd-nspawn$/);
        expect(args).toContain(`--network-namespace-path=/run/netns/${machine.namespace}`);
        const init = machineInit(machine.pid!);
        expect(readFileSync(`/proc/${init}/comm`, 'utf8').trim(), machine.host).toBe('systemd');
        // A cgroup tree of its own: machines sharing one fail units at random (219/CGROUP).
        expect(readFileSync(`/proc/${init}/cgroup`, 'utf8'), machine.host).toMatch(
          new RegExp(`^0::/(.*/)?${machine.machine}/payload`, 'm'),
        );
      }
      expect(hostInterfaces()).toEqual(linksBefore);

      // inventory.yaml in the format of issue 16, every host named.
      const inventory = parse(readFileSync(join(lab(), 'inventory.yaml'), 'utf8'));
      expect(inventory.defaults).toEqual({
        user: 'root',
        port: 22,
        identity: join(lab(), 'ssh', 'operator'),
        agent: false,
        namespace: state.access!.namespace,
      });
      expect(inventory.knownHosts).toBe('known_hosts');
      expect(inventory.hosts.vyos01).toEqual({ address: '10.4.0.90', platform: 'linux' });
      expect(inventory.hosts.lb).toEqual({ address: '192.168.10.253', jump: 'vyos01' });
      expect(inventory.hosts.node04).toEqual({ address: '192.168.30.102', jump: 'vyos03' });
      expect(Object.keys(inventory.hosts)).toHaveLength(11);
      const knownHosts = readFileSync(join(lab(), 'known_hosts'), 'utf8').trim().split('\n');
      expect(knownHosts.map((line) => line.split(' ')[0])).toEqual(Object.keys(inventory.hosts));

      // Over SSH as apply reaches them, with StrictHostKeyChecking against the recorded keys.
      // A freshly booted machine may still be starting a unit or two: "running" is what it settles at.
      for (const host of ['vyos01', 'lb', 'node04']) {
        const answer = ssh(
          state,
          host,
          'hostname; systemctl is-system-running --wait; systemctl --failed --no-legend --plain | wc -l',
        );
        expect(answer.trim().split('\n'), host).toEqual([host, 'running', '0']);
      }
      // What apply needs on a router: writable /proc/sys/net, a tun device for openvpn, nft.
      const router = ssh(
        state,
        'vyos02',
        'sysctl -w net.ipv4.ip_forward=1 && openvpn --dev tun9 --dev-type tun --mktun >/dev/null && ip -o link show tun9 && nft list ruleset >/dev/null && echo nft ok; systemctl is-enabled ssh systemd-networkd openvpn haproxy 2>&1',
      );
      expect(router).toContain('net.ipv4.ip_forward = 1');
      expect(router).toMatch(/tun9: <POINTOPOINT/);
      expect(router).toContain('nft ok');
      expect(router.trim().split('\n').slice(-4)).toEqual(['enabled', 'enabled', 'disabled', 'disabled']);
      // What the site admin set up and nothing more: no openvpn, no geostage file.
      expect(
        ssh(state, 'vyos02', 'ip -o route show default; ls /etc/openvpn/geostage 2>&1 | head -1'),
      ).toMatch(/No such file or directory/);
      expect(ssh(state, 'node01', 'ip -o route show default')).toContain(
        'default via 192.168.20.1 dev ens160',
      );

      const status = await scratch.geostage(['lab', 'status', 'keio-2019']);
      expect(status.code, status.stdout + status.stderr).toBe(0);
      expect(status.stdout).toMatch(/^ {2}up {3}server node04 +pid \d+, sshd SSH-2\.0-OpenSSH/m);
    }, 180_000);

    it('lab down leaves no nspawn, namespace, overlay or temporary folder', async () => {
      const prefix = readState().prefix;
      const down = await scratch.geostage(['lab', 'down', 'keio-2019']);
      expect(down.code, down.stdout + down.stderr).toBe(0);
      expect(down.stdout).toContain('machines: 11 of 11 shut down');
      expect(await remains(prefix, lab())).toEqual([]);
      expect(existsSync(lab())).toBe(false);
    }, 60_000);

    it('SIGINT while the machines boot rolls everything back', async () => {
      const child = spawn(process.execPath, [main, 'lab', 'up', 'keio-2019', '--machines'], {
        cwd: scratch.folder,
      });
      let output = '';
      const interrupted = new Promise<void>((done) => {
        const read = (chunk: Buffer) => {
          output += chunk;
          if (output.includes('machines: booting')) {
            child.kill('SIGINT');
            done();
          }
        };
        child.stdout.on('data', read);
        child.stderr.on('data', (chunk) => {
          output += chunk;
        });
      });
      await interrupted;
      const code = await new Promise<number | null>((done) => child.on('close', done));
      expect(code, output).toBe(130);
      expect(output).toContain('lab up interrupted (SIGINT); removing what it made');
      expect(await remains(labPrefix(scratch.environmentFolder), lab()), output).toEqual([]);
    }, 60_000);
  });
}
