// Booted machines without root: what `lab up --machines` provisions (only what a site admin has
// before geostage), the machines it would boot and how, and the inventory it writes for apply.
import { join } from 'node:path';
import { loadTopologyFile, type Model, resolve } from '@geostage/schema';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { planAccess } from '../access.ts';
import { wiringFor } from '../testing.ts';
import { natRuleset } from '../wiring/nat.ts';
import { cgroupParents, nspawnArguments, planMachines } from './booted.ts';
import { IMAGE_PACKAGES, IMAGE_STEPS, imageDigest } from './image.ts';
import { knownHostsText, machinesInventory, renderMachinesInventory } from './inventory.ts';

const root = join(import.meta.dirname, '..', '..', '..', '..');

async function modelOf(environment: string): Promise<Model> {
  const source = `environments/${environment}/topology.yaml`;
  const { topology } = await loadTopologyFile(join(root, source));
  return resolve(topology!, source);
}

const folderOf = (environment: string) => `/somewhere/environments/${environment}/.lab`;

describe('installer provisioning (lab up --machines)', () => {
  it('links, WAN and LAN addresses and default routes only: no generated file, no sysctl, nft or openvpn', async () => {
    const { wiring } = wiringFor(await modelOf('keio-2019'), folderOf('keio-2019'), 'installer');
    expect(wiring.tunnels).toEqual([]);
    expect(wiring.files).toEqual([]);
    const commands = wiring.groups.flatMap((group) => group.commands).map((command) => command.join(' '));
    expect(commands.filter((command) => / (sysctl -q -p|nft -f) /.test(command))).toEqual([]);
    expect(commands).toContain(`ip -n ${wiring.prefix}r-vyos01 addr add 10.4.0.90/16 dev eth0`);
    expect(commands).toContain(`ip -n ${wiring.prefix}r-vyos01 addr add 192.168.10.1/24 dev eth1`);
    expect(commands).toContain(`ip -n ${wiring.prefix}s-lb addr add 192.168.10.253/24 dev ens160`);
    expect(commands).toContain(`ip -n ${wiring.prefix}s-lb route add default via 192.168.10.1`);
    expect(wiring.namespaces).toHaveLength(15);
  });

  it("forwards a NATed site's port 2222 to its router's sshd, and routes the operator there", async () => {
    const model = await modelOf('global-hub');
    const { model: linux, wiring } = wiringFor(model, folderOf('global-hub'), 'installer');
    const ruleset = wiring.files.find((file) => file.path === 'nat/campus.nft')!.content;
    expect(ruleset).toContain('iifname "wan" tcp dport 2222 dnat to 172.16.5.2:22');
    expect(ruleset).toContain('iifname "wan" ct status dnat ip daddr 172.16.5.2 tcp dport 22 accept');
    expect(ruleset.indexOf('ct status dnat')).toBeLessThan(ruleset.indexOf('iifname "wan" drop'));
    // The namespace lab's NAT admits nothing from outside.
    expect(natRuleset(null)).not.toContain('dnat');
    const gateways = new Map(linux.sites.map((site) => [site.router.name, site.router.wan.gateway]));
    const planned = planAccess(
      wiring.prefix,
      wiring.routers.map((router) => ({ ...router, gateway: gateways.get(router.name) ?? null })),
      true,
    );
    if (!planned.ok) throw new Error(planned.error);
    expect(planned.access.group.commands.map((command) => command.join(' '))).toContain(
      `ip -n ${wiring.prefix}o route add 100.64.0.2/32 via 198.51.100.1`,
    );
    const machines = planMachines(wiring, planned.access);
    expect(machines.find((machine) => machine.host === 'rt-campus')!.probe).toEqual({
      from: `${wiring.prefix}o`,
      address: '100.64.0.2',
      port: 2222,
    });
  });
});

describe('machines', () => {
  it('one per router and server, in its namespace; servers probed from their router (the jump path)', async () => {
    const { wiring } = wiringFor(await modelOf('keio-2019'), folderOf('keio-2019'), 'installer');
    const machines = planMachines(wiring, { namespace: `${wiring.prefix}o` });
    expect(machines.map((machine) => `${machine.role} ${machine.host}`)).toEqual([
      'router vyos01',
      'router vyos02',
      'router vyos03',
      ...['lb', 'master01', 'master02', 'master03', 'node01', 'node02', 'node03', 'node04'].map(
        (name) => `server ${name}`,
      ),
    ]);
    const node03 = machines.find((machine) => machine.host === 'node03')!;
    expect(node03.probe).toEqual({ from: `${wiring.prefix}r-vyos03`, address: '192.168.30.101', port: 22 });
    expect(node03.machine).toBe(`${wiring.prefix}m-node03`);
    const args = nspawnArguments(node03, '/images/bookworm-x', folderOf('keio-2019'), 'ssh/authorized_keys');
    expect(args).toContain(`--network-namespace-path=/run/netns/${wiring.prefix}s-node03`);
    expect(args).toContain('--volatile=overlay');
    expect(args).toContain('--register=no');
    expect(args).toContain(
      `--bind-ro=${folderOf('keio-2019')}/ssh/machines/node03/ssh_host_ed25519_key:/etc/ssh/ssh_host_ed25519_key`,
    );
    expect(args).toContain('--bind=/dev/net/tun');
  });

  it('gives each machine cgroups of its own under where lab up runs, in each hierarchy nspawn uses', () => {
    const mountinfo = [
      '31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755',
      '32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu',
      '40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd',
      '41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw',
    ].join('\n');
    const own = '9:name=systemd:/ci\n1:cpu:/\n0::/ci\n';
    const parents = cgroupParents(mountinfo, own);
    expect(parents).toEqual(['/sys/fs/cgroup/systemd/ci', '/sys/fs/cgroup/unified/ci']);
    expect(cgroupParents('29 1 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw', '0::/user.slice/x\n')).toEqual(
      ['/sys/fs/cgroup/user.slice/x'],
    );
  });

  it("the image's name changes with its package list or its customization", () => {
    expect(imageDigest()).toMatch(/^[0-9a-f]{12}$/);
    expect(imageDigest([...IMAGE_PACKAGES, 'curl'])).not.toBe(imageDigest());
    expect(imageDigest(IMAGE_PACKAGES, IMAGE_STEPS.slice(1))).not.toBe(imageDigest());
  });
});

describe('machinesInventory', () => {
  it('routers at their WAN address (platform linux), servers at their LAN address through their router', async () => {
    const { wiring } = wiringFor(await modelOf('keio-2019'), folderOf('keio-2019'), 'installer');
    const machines = planMachines(wiring, { namespace: `${wiring.prefix}o` });
    const document = machinesInventory({
      environment: 'keio-2019',
      machines,
      routerOf: new Map(wiring.servers.map((server) => [server.name, server.router])),
      operatorNamespace: `${wiring.prefix}o`,
      identity: `${folderOf('keio-2019')}/ssh/operator`,
      user: 'root',
    });
    const text = renderMachinesInventory(document, 'keio-2019');
    expect(text.startsWith('# geostage inventory: how apply reaches each host\n')).toBe(true);
    const read = parse(text);
    expect(read).toEqual(document);
    expect(read.defaults.namespace).toBe(`${wiring.prefix}o`);
    expect(read.hosts.vyos02).toEqual({ address: '10.4.0.91', platform: 'linux' });
    expect(read.hosts.master03).toEqual({ address: '192.168.10.103', jump: 'vyos01' });
    expect(knownHostsText([{ host: 'vyos01', key: 'ssh-ed25519 AAAA' }])).toBe('vyos01 ssh-ed25519 AAAA\n');
  });
});
