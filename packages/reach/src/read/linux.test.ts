// The Linux router reader on the committed global-hub rt-berlin files, and the netplan reader.
import { describe, expect, it } from 'vitest';
import { formatAddress, formatPrefix } from '../address.ts';
import { readGeneratedNetwork } from './files.ts';
import { parseLinuxRouter } from './linux.ts';
import { parseNetplan } from './netplan.ts';
import { parseOpenvpn } from './openvpn.ts';

const network = new URL('../../../../environments/global-hub/generated/network', import.meta.url).pathname;

describe('parseLinuxRouter', () => {
  it('reads the OpenVPN config, networkd LAN, nftables WAN and sysctl of rt-berlin', async () => {
    const all = await readGeneratedNetwork(network);
    const files = new Map([...all].filter(([path]) => path.startsWith('routers/rt-berlin/')));
    const { device, warnings } = parseLinuxRouter('rt-berlin', files);
    expect(warnings).toEqual([]);
    expect(device.forwards).toBe(true);
    expect(device.interfaces.map((entry) => [entry.name, entry.addresses.map(formatPrefix)])).toEqual([
      ['eth1', ['10.30.0.0/24']],
      ['eth0', ['192.0.2.30/32']],
    ]);
    const [end] = device.tunnels;
    expect(end).toMatchObject({
      interface: 'vtun1',
      localPort: 1194,
      remotePort: 1196,
      authentication: { kind: 'tls', role: 'active' },
    });
    expect(formatAddress(end!.remoteHost!)).toBe('198.51.100.10');
    expect(device.routes.map((route) => `${formatPrefix(route.prefix)} ${route.interface}`)).toEqual([
      '10.10.0.0/23 vtun1',
      '10.20.0.0/24 vtun1',
      '10.40.0.0/24 vtun1',
      '0.0.0.0/0 eth0',
    ]);
  });

  it('reads a static key by its file name and reports unknown directives', () => {
    const text = [
      'dev vtun3',
      'ifconfig 10.255.0.1 10.255.0.2',
      'secret /etc/openvpn/geostage/a--b.key',
      'push "route 1.2.3.0 255.255.255.0"',
    ].join('\n');
    const { end, warnings } = parseOpenvpn('r', 'routers/r/openvpn/vtun3.conf', text);
    expect(end.authentication).toEqual({ kind: 'static-key', key: 'a--b' });
    expect(warnings).toEqual([
      {
        file: 'routers/r/openvpn/vtun3.conf',
        line: 4,
        message: 'not modelled: push "route 1.2.3.0 255.255.255.0"',
      },
    ]);
  });
});

describe('parseNetplan', () => {
  it('reads addresses and routes, and reports unknown keys with their line', () => {
    const text = [
      'network:',
      '  version: 2',
      '  ethernets:',
      '    ens160:',
      '      addresses: [192.168.10.101/24, "fd00::1/64"]',
      '      routes:',
      '        - to: default',
      '          via: 192.168.10.1',
      '        - to: 10.9.0.0/16',
      '          via: 192.168.10.9',
      '      routing-policy: []',
      '  tunnels: {}',
    ].join('\n');
    const { device, warnings } = parseNetplan('master01', 'server', 'servers/master01/netplan.yaml', text);
    expect(device.interfaces[0]!.addresses.map(formatPrefix)).toEqual(['192.168.10.0/24']);
    expect(
      device.routes.map((route) => `${formatPrefix(route.prefix)} via ${formatAddress(route.nextHop!)}`),
    ).toEqual(['0.0.0.0/0 via 192.168.10.1', '10.9.0.0/16 via 192.168.10.9']);
    expect(warnings).toEqual([
      { file: 'servers/master01/netplan.yaml', line: 11, message: 'not modelled: ens160.routing-policy' },
      { file: 'servers/master01/netplan.yaml', line: 12, message: 'not modelled: network.tunnels' },
    ]);
  });
});
