// The inventory: what each problem of an inventory.yaml says, at which line, and the defaults a
// missing entry gets from the topology (routers at their WAN address, servers through their
// site's router, a NATed router through the entry router with a warning).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from './diagnostics.ts';
import { jumpChain, loadInventory } from './inventory.ts';
import { loadTopologyFile } from './load.ts';
import type { Model } from './model.ts';
import { resolve } from './resolve.ts';

const root = join(import.meta.dirname, '..', '..', '..');

async function model(env: string): Promise<Model> {
  const { topology } = await loadTopologyFile(join(root, 'environments', env, 'topology.yaml'));
  return resolve(topology!);
}

const keio = await model('keio-2019');
const hub = await model('global-hub');

const problems = (text: string, on = keio) =>
  loadInventory(text, 'inventory.yaml', on).diagnostics.map(formatDiagnostic);

describe('inventory defaults follow the topology', () => {
  it('reaches routers at their WAN address as vyos (VyOS) and servers at their LAN address through their own router', () => {
    const { inventory, diagnostics } = loadInventory('hosts: {}\n', 'inventory.yaml', keio);
    expect(diagnostics).toEqual([]);
    const hosts = new Map(inventory!.hosts.map((host) => [host.name, host]));
    expect(hosts.get('vyos01')).toMatchObject({
      address: '10.4.0.90',
      user: 'vyos',
      jump: null,
      platform: 'vyos',
    });
    expect(hosts.get('node03')).toMatchObject({ address: '192.168.30.101', user: 'root', jump: 'vyos03' });
    expect(inventory!.knownHosts).toBe('known_hosts');
    expect(jumpChain(inventory!, 'node03').map((host) => host.name)).toEqual(['vyos03']);
  });

  it('a NATed router gets its LAN gateway through the hub, with a warning asking for a way in', () => {
    const { inventory, diagnostics } = loadInventory('hosts: {}\n', 'inventory.yaml', hub);
    const campus = inventory!.hosts.find((host) => host.name === 'rt-campus')!;
    expect(campus.jump).not.toBeNull();
    expect(diagnostics.map((one) => one.code)).toEqual(['inventory-nat-default']);
    expect(diagnostics[0]!.severity).toBe('warning');
    // Its servers go through it, so through the hub too.
    const server = inventory!.hosts.find((host) => host.kind === 'server' && host.jump === 'rt-campus')!;
    expect(jumpChain(inventory!, server.name).map((host) => host.name)).toEqual([campus.jump, 'rt-campus']);
  });

  it('written values win: address, port, user, identity, a straight connection, the Linux rendering', () => {
    const text = `defaults:\n  identity: ~/.ssh/lab\n  namespace: ops\nhosts:\n  vyos01:\n    address: 192.0.2.1\n    port: 2222\n    platform: linux\n  node01:\n    jump: null\n    user: admin\n`;
    const { inventory, diagnostics } = loadInventory(text, 'inventory.yaml', keio);
    expect(diagnostics).toEqual([]);
    const hosts = new Map(inventory!.hosts.map((host) => [host.name, host]));
    expect(hosts.get('vyos01')).toMatchObject({
      address: '192.0.2.1',
      port: 2222,
      platform: 'linux',
      user: 'root',
      namespace: 'ops',
      identity: '~/.ssh/lab',
    });
    expect(hosts.get('node01')).toMatchObject({ jump: null, user: 'admin' });
  });
});

describe('inventory problems, each at its line', () => {
  it('an unknown host, with a suggestion', () => {
    expect(problems('hosts:\n  vyso01:\n    address: 192.0.2.1\n')).toEqual([
      'inventory.yaml:2:3: error inventory-unknown-host: keio-2019 has no router or server "vyso01"\n  hint: did you mean "vyos01"? hosts of keio-2019: vyos01, vyos02, vyos03, lb, master01, master02, master03, node01, node02, node03, node04',
    ]);
  });

  it('a jump to nowhere, and jumps that go round', () => {
    expect(problems('hosts:\n  node01:\n    jump: vyos09\n')[0]).toMatch(
      /^inventory.yaml:3:11: error inventory-unknown-jump: node01 jumps through "vyos09", which is no host/,
    );
    const loop = problems('hosts:\n  vyos01:\n    jump: node01\n  node01:\n    jump: vyos01\n');
    expect(
      loop.some(
        (line) => line.includes('inventory-jump-loop') && line.includes('vyos01 -> node01 -> vyos01'),
      ),
    ).toBe(true);
  });

  it('a key file and the agent at once; platform on a server; a schema error', () => {
    expect(problems('defaults:\n  identity: k\n  agent: true\n')[0]).toMatch(/inventory-identity-and-agent/);
    expect(problems('hosts:\n  node01:\n    platform: linux\n')[0]).toMatch(
      /^inventory.yaml:3:15: error inventory-platform: node01 is a server/,
    );
    expect(problems('hosts:\n  node01:\n    port: 70000\n')[0]).toMatch(/^inventory.yaml:3:11: error/);
  });

  it('an empty file says what it needs', () => {
    expect(problems('# nothing\n')[0]).toMatch(/inventory-empty: the file holds only comments/);
  });
});
