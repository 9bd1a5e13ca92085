// The lab's wiring, without root: what it would create, by name, and that every command it would
// run is aimed into one of its own namespaces (nothing touches the host).
import { join } from 'node:path';
import { generateLinuxRouters, generateNetplan } from '@geostage/gen-vyos';
import { loadTopologyFile, type Model, resolve } from '@geostage/schema';
import { describe, expect, it } from 'vitest';
import { linuxFlavour } from '../flavour.ts';
import { labPrefix, MAX_INTERFACE_NAME } from '../names.ts';
import { labWiring, type Wiring } from './wiring.ts';

const root = join(import.meta.dirname, '..', '..', '..', '..');

async function wiringOf(environment: string): Promise<{ model: Model; wiring: Wiring }> {
  const source = `environments/${environment}/topology.yaml`;
  const { topology } = await loadTopologyFile(join(root, source));
  const model = resolve(topology!, source);
  const linux = linuxFlavour(model).model;
  const wired = labWiring({
    model: linux,
    files: [...generateLinuxRouters(linux).files, ...generateNetplan(model)],
    prefix: labPrefix('/somewhere/environments/global-hub'),
    folder: '/somewhere/environments/global-hub/.lab',
  });
  if (!wired.ok) throw new Error(wired.errors.join('\n'));
  return { model, wiring: wired.wiring };
}

describe('labWiring', () => {
  it('names every namespace gs-<hash4>-<role>-<name>, once', async () => {
    const { wiring } = await wiringOf('global-hub');
    expect(wiring.prefix).toMatch(/^gs-[0-9a-f]{4}-$/);
    const names = wiring.namespaces.map((namespace) => namespace.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toContain(`${wiring.prefix}u`);
    expect(names).toContain(`${wiring.prefix}r-hub-tokyo`);
    expect(names).toContain(`${wiring.prefix}n-campus`);
    expect(names).toContain(`${wiring.prefix}s-w-campus-1`);
    expect(names.filter((name) => name.startsWith(`${wiring.prefix}n-`))).toEqual([
      `${wiring.prefix}n-campus`,
    ]);
  });

  it('runs every command inside one of its own namespaces, with interface names Linux accepts', async () => {
    for (const environment of ['keio-2019', 'global-hub']) {
      const { wiring } = await wiringOf(environment);
      const own = new Set(wiring.namespaces.map((namespace) => namespace.name));
      for (const command of [
        ...wiring.groups.flatMap((group) => group.commands),
        ...wiring.tunnels.map((t) => t.command),
      ]) {
        const target =
          command[1] === '-n'
            ? command[2]
            : command[1] === 'netns' && command[2] === 'exec'
              ? command[3]
              : null;
        expect(command[0], command.join(' ')).toBe('ip');
        expect(own.has(target ?? ''), command.join(' ')).toBe(true);
        // A veth's peer goes straight into a namespace of the lab, never the host.
        if (command.includes('veth')) expect(own.has(command[command.indexOf('netns') + 1]!)).toBe(true);
        for (const [index, word] of command.entries()) {
          if (
            ['add', 'name'].includes(command[index - 1] ?? '') &&
            command.includes('link') &&
            /^[a-z]/.test(word)
          ) {
            expect(word.length, command.join(' ')).toBeLessThanOrEqual(MAX_INTERFACE_NAME);
          }
        }
      }
    }
  });

  it('puts the NAT at the NATed router gateway, its own address outside every topology prefix', async () => {
    const { wiring } = await wiringOf('global-hub');
    const campus = wiring.routers.find((router) => router.name === 'rt-campus')!;
    expect(campus.natAddress).toBe('100.64.0.2');
    const nat = wiring.groups.find((group) => group.title.startsWith('campus: NAT'))!;
    expect(nat.commands).toContainEqual([
      'ip',
      '-n',
      `${wiring.prefix}n-campus`,
      'addr',
      'add',
      '172.16.5.1/24',
      'dev',
      'lan',
    ]);
    expect(wiring.files.find((file) => file.path === 'nat/campus.nft')!.content).toMatch(
      /iifname "wan" drop/,
    );
  });

  it('installs the router files where the device keeps them, OpenVPN paths relative to its folder', async () => {
    const { wiring } = await wiringOf('global-hub');
    const paths = wiring.files.map((file) => file.path);
    expect(paths).toContain('routers/hub-tokyo/etc/openvpn/geostage/vtun4.conf');
    expect(paths).toContain('routers/hub-tokyo/etc/nftables.conf');
    expect(paths).toContain('routers/hub-tokyo/etc/sysctl.d/90-geostage.conf');
    const config = wiring.files.find(
      (file) => file.path === 'routers/rt-berlin/etc/openvpn/geostage/vtun1.conf',
    )!;
    expect(config.content).toMatch(/^ca ca\.crt$/m);
    expect(config.content).not.toContain('/etc/openvpn');
    expect(wiring.files.find((file) => file.path.endsWith('rt-berlin.key'))!.mode).toBe(0o600);
  });
});

describe('site LAN neighbours', () => {
  it('gives every end on a bridge a permanent entry for each other end on its subnet, by the MAC its veth is made with', async () => {
    const { model, wiring } = await wiringOf('keio-2019');
    const commands = wiring.groups.flatMap((group) => group.commands);
    const macs = new Map<string, string>();
    for (const command of commands) {
      const at = command.indexOf('address');
      if (command[3] === 'link' && command[4] === 'add' && at > 0)
        macs.set(`${command[2]} ${command[5]}`, command[at + 1]!);
    }
    const neighbours = commands.filter((command) => command[3] === 'neigh');
    // One server reaches every other server of its segment and its router's LAN address directly.
    const server = model.servers[0]!;
    const namespace = `${wiring.prefix}s-${server.name}`;
    const own = neighbours.filter((command) => command[2] === namespace);
    const sameSegment = model.servers.filter(
      (other) => other !== server && other.site === server.site && other.segment === server.segment,
    );
    const segment = model.sites
      .find((site) => site.name === server.site)!
      .segments.find((found) => found.name === server.segment)!;
    expect(own.map((command) => command[5]).sort()).toEqual(
      [...sameSegment.map((other) => other.address), segment.gateway].sort(),
    );
    for (const command of own) {
      expect(command.slice(6)).toEqual([
        'lladdr',
        expect.stringMatching(/^02(:[0-9a-f]{2}){5}$/),
        'dev',
        expect.any(String),
        'nud',
        'permanent',
      ]);
      expect([...macs.values()]).toContain(command[7]);
    }
    // Each MAC is made once.
    expect(new Set(macs.values()).size).toBe(macs.size);
  });
});
