// The netplan reader the lab applies a server's network from with `ip`, and the Device reader
// on the same file.
import { describe, expect, it } from 'vitest';
import { formatPrefix } from '../address.ts';
import { readGeneratedNetwork } from './files.ts';
import { parseNetplan, readNetplanInterfaces } from './netplan.ts';

const network = new URL('../../../../environments/global-hub/generated/network', import.meta.url).pathname;

describe('readNetplanInterfaces', () => {
  it("reads a generated server's ethernet: addresses and routes as written", async () => {
    const files = await readGeneratedNetwork(network);
    const path = 'servers/cp-berlin/netplan.yaml';
    expect(readNetplanInterfaces(path, files.get(path)!)).toEqual({
      ok: true,
      interfaces: [
        {
          name: 'ens160',
          kind: 'ethernet',
          vlan: null,
          mtu: null,
          addresses: ['10.30.0.11/24'],
          routes: [{ to: 'default', via: '10.30.0.1' }],
        },
      ],
    });
  });

  it('reads VLANs, bonds and bridges with their kind, gateway4 as a default route', () => {
    const text = [
      'network:',
      '  version: 2',
      '  ethernets:',
      '    eth0: { mtu: 9000 }',
      '  vlans:',
      '    eth0.110:',
      '      id: 110',
      '      link: eth0',
      '      addresses: [10.1.10.5/24, "2001:db8::5/64"]',
      '      gateway4: 10.1.10.1',
      '  bonds:',
      '    bond0: {}',
      '  bridges:',
      '    br0:',
      '      routes:',
      '        - to: 10.9.0.0/16',
    ].join('\n');
    const reading = readNetplanInterfaces('netplan.yaml', text);
    expect(reading).toEqual({
      ok: true,
      interfaces: [
        { name: 'eth0', kind: 'ethernet', vlan: null, mtu: 9000, addresses: [], routes: [] },
        {
          name: 'eth0.110',
          kind: 'vlan',
          vlan: { parent: 'eth0', id: 110 },
          mtu: null,
          addresses: ['10.1.10.5/24', '2001:db8::5/64'],
          routes: [{ to: 'default', via: '10.1.10.1' }],
        },
        { name: 'bond0', kind: 'bond', vlan: null, mtu: null, addresses: [], routes: [] },
        {
          name: 'br0',
          kind: 'bridge',
          vlan: null,
          mtu: null,
          addresses: [],
          routes: [{ to: '10.9.0.0/16', via: null }],
        },
      ],
    });
  });

  it('is an error when the file is not YAML', () => {
    const reading = readNetplanInterfaces('servers/x/netplan.yaml', 'network: [unclosed');
    expect(reading.ok).toBe(false);
    expect(!reading.ok && reading.error).toMatch(/^servers\/x\/netplan\.yaml: /);
  });
});

describe('parseNetplan', () => {
  it('reads the same file into a Device: a connected prefix and a default route', async () => {
    const files = await readGeneratedNetwork(network);
    const path = 'servers/cp-berlin/netplan.yaml';
    const { device, warnings } = parseNetplan('cp-berlin', 'server', path, files.get(path)!);
    expect(warnings).toEqual([]);
    expect(device.interfaces.map((entry) => [entry.name, entry.addresses.map(formatPrefix)])).toEqual([
      ['ens160', ['10.30.0.0/24']],
    ]);
    expect(device.routes.map((route) => formatPrefix(route.prefix))).toEqual(['0.0.0.0/0']);
  });
});
