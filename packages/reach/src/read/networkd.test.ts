// The networkd reader the lab builds a Linux router's LAN from: VLAN netdevs on their parent,
// MTUs, addresses and routes, and the generated files of global-hub read as interfaces.
import { describe, expect, it } from 'vitest';
import { readGeneratedNetwork } from './files.ts';
import { readNetworkdFile, readNetworkdInterfaces } from './networkd.ts';

const network = new URL('../../../../environments/global-hub/generated/network', import.meta.url).pathname;

describe('readNetworkdInterfaces', () => {
  it('reads VLAN netdevs onto their parent and keeps addresses and MTUs', () => {
    const reading = readNetworkdInterfaces(
      new Map([
        ['network/10-eth1.network', '[Match]\nName=eth1\n[Link]\nMTUBytes=9000\n[Network]\nVLAN=eth1.7\n'],
        ['network/10-eth1.7.netdev', '# c\n[NetDev]\nName=eth1.7\nKind=vlan\n[VLAN]\nId=7\n'],
        ['network/10-eth1.7.network', '[Match]\nName=eth1.7\n[Network]\nAddress=10.0.7.1/24\n'],
      ]),
    );
    expect(reading).toEqual({
      ok: true,
      interfaces: [
        { name: 'eth1', kind: 'ethernet', vlan: null, mtu: 9000, addresses: [], routes: [] },
        {
          name: 'eth1.7',
          kind: 'vlan',
          vlan: { parent: 'eth1', id: 7 },
          mtu: null,
          addresses: ['10.0.7.1/24'],
          routes: [],
        },
      ],
    });
  });

  it('reads a gateway and each [Route] section as a route', () => {
    const reading = readNetworkdInterfaces(
      new Map([
        [
          'a.network',
          '[Match]\nName=eth0\n[Network]\nAddress=10.0.0.2/24\nGateway=10.0.0.1\n[Route]\nDestination=10.9.0.0/16\nGateway=10.0.0.9\n[Route]\nDestination=10.8.0.0/16\n',
        ],
      ]),
    );
    expect(reading.ok && reading.interfaces[0]!.routes).toEqual([
      { to: 'default', via: '10.0.0.1' },
      { to: '10.9.0.0/16', via: '10.0.0.9' },
      { to: '10.8.0.0/16', via: null },
    ]);
  });

  it('names what it cannot read', () => {
    const error = (files: [string, string][]) => {
      const reading = readNetworkdInterfaces(new Map(files));
      return reading.ok ? null : reading.error;
    };
    expect(error([['x.netdev', '[NetDev]\nName=b0\nKind=bridge\n']])).toBe(
      'x.netdev: only VLAN netdevs are understood, not Kind=bridge',
    );
    expect(error([['x.netdev', '[NetDev]\nName=v\nKind=vlan\n']])).toBe('x.netdev: VLAN netdev without Id');
    expect(error([['x.network', '[Network]\nAddress=10.0.0.1/24\n']])).toBe('x.network: no [Match] Name=');
    expect(error([['v.netdev', '[NetDev]\nName=v\nKind=vlan\n[VLAN]\nId=3\n']])).toBe(
      'VLAN netdev v is on no interface (no VLAN=v in a .network file)',
    );
  });

  it("reads global-hub's Linux router LAN", async () => {
    const files = await readGeneratedNetwork(network);
    const own = new Map([...files].filter(([path]) => path.startsWith('routers/rt-berlin/network/')));
    expect(readNetworkdInterfaces(own)).toEqual({
      ok: true,
      interfaces: [
        { name: 'eth1', kind: 'ethernet', vlan: null, mtu: null, addresses: ['10.30.0.1/24'], routes: [] },
      ],
    });
  });
});

describe('readNetworkdFile', () => {
  it('keeps entries with their section, block and line, and lists malformed lines', () => {
    expect(readNetworkdFile('# c\n[Match]\nName = eth0\n\nnonsense\n[Route]\nGateway=1.2.3.4\n')).toEqual({
      entries: [
        { section: 'Match', block: 1, key: 'Name', value: 'eth0', line: 3 },
        { section: 'Route', block: 2, key: 'Gateway', value: '1.2.3.4', line: 7 },
      ],
      malformed: [{ line: 5, text: 'nonsense' }],
    });
  });
});
