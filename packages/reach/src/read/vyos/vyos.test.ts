// The VyOS reader on the release lines' own syntax (shared/vyos-cli examples, copied to
// test-data/vyos): what forwarding needs is read, firewall/services are dropped explicitly.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatAddress, formatPrefix } from '../../address.ts';
import { parseVyos, words } from './vyos.ts';

const sample = (name: string) =>
  readFileSync(new URL(`../../../test-data/vyos/${name}`, import.meta.url), 'utf8');

describe('parseVyos', () => {
  it('reads VyOS 1.2: addresses, vif, static-key tunnel, interface-route, next-hop route, NAT', () => {
    const { device, warnings } = parseVyos('siteA', 'routers/siteA/config.set', sample('good-1.2.set'));
    expect(warnings).toEqual([]);
    expect(device.hostName).toBe('siteA');
    expect(device.interfaces.map((entry) => [entry.name, entry.addresses.map(formatPrefix)])).toEqual([
      ['eth0', ['198.51.100.0/24']],
      ['eth1', ['10.0.0.0/24']],
      ['eth1.10', ['10.0.10.0/24']],
    ]);
    const [tunnel] = device.tunnels;
    expect(tunnel).toMatchObject({
      interface: 'vtun0',
      localPort: 1195,
      remotePort: 1195,
      authentication: { kind: 'static-key', key: 'openvpn-1' },
    });
    expect(formatAddress(tunnel!.remoteHost!)).toBe('203.0.113.11');
    expect(
      device.routes.map((route) => [
        formatPrefix(route.prefix),
        route.interface,
        route.nextHop && formatAddress(route.nextHop),
        route.line,
      ]),
    ).toEqual([
      ['10.1.0.0/16', 'vtun0', null, 23],
      ['0.0.0.0/0', null, '198.51.100.1', 24],
    ]);
    expect(
      device.nat.map((rule) => [rule.rule, rule.outboundInterface, rule.exclude, rule.masquerade]),
    ).toEqual([
      ['100', 'eth0', false, true],
      ['90', 'eth0', true, false],
    ]);
  });

  it('reads VyOS 1.4: PKI shared secret, TLS role, route P interface, outbound-interface name', () => {
    const { device, warnings } = parseVyos('siteA', 'routers/siteA/config.set', sample('good-1.4.set'));
    expect(warnings).toEqual([]);
    expect(device.tunnels.map((end) => [end.interface, end.authentication])).toEqual([
      ['vtun0', { kind: 'static-key', key: 's2s' }],
      ['vtun1', { kind: 'tls', role: 'active' }],
    ]);
    expect(device.routes[0]).toMatchObject({ interface: 'vtun0', line: 33 });
    expect(device.nat.find((rule) => rule.rule === '100')?.outboundInterface).toBe('eth0');
  });

  it('names a placeholder-embedded key by its secret, so both ends of a tunnel compare equal', () => {
    const text = [
      'set pki openvpn shared-secret tokyo--osaka key @secret:openvpn/tokyo--osaka.key.body@',
      'set interfaces openvpn vtun2 shared-secret-key tokyo--osaka',
    ].join('\n');
    expect(parseVyos('r', 'f', text).device.tunnels[0]!.authentication).toEqual({
      kind: 'static-key',
      key: 'tokyo--osaka',
    });
  });

  it('reports what it does not model, with the line, and tells a mixed-up route form apart', () => {
    const text = [
      '# comment',
      'set interfaces ethernet eth0 address 10.0.0.1/24',
      'set protocols static interface-route 10.1.0.0/16 interface vtun0',
      'set interfaces ethernet eth0 adress 10.0.0.1/24',
      "set interfaces ethernet eth0 description 'unterminated",
      'set protocols static route 10.2.0.0/16 next-hop 10.0.0.300',
      'delete interfaces ethernet eth1',
      'set firewall name X default-action drop',
      'set service ssh port 22',
    ].join('\n');
    expect(parseVyos('r', 'f', text).warnings).toEqual([
      {
        file: 'f',
        line: 3,
        message: 'not modelled: set protocols static interface-route 10.1.0.0/16 interface vtun0',
      },
      { file: 'f', line: 4, message: 'not modelled: set interfaces ethernet eth0 adress 10.0.0.1/24' },
      {
        file: 'f',
        line: 5,
        message: "unbalanced quotes: set interfaces ethernet eth0 description 'unterminated",
      },
      {
        file: 'f',
        line: 6,
        message: 'invalid next-hop: set protocols static route 10.2.0.0/16 next-hop 10.0.0.300',
      },
      { file: 'f', line: 7, message: 'not a set line, not modelled: delete interfaces ethernet eth1' },
    ]);
  });

  it('dispatches by top-level path: a section reader, a path recognised and ignored, or a warning', () => {
    const { device, warnings } = parseVyos(
      'r',
      'f',
      [
        'set system host-name r1',
        'set system ntp server 192.0.2.1',
        'set pki ca root certificate abc',
        'set nat destination rule 10 inbound-interface name eth0',
        'set high-availability vrrp group g vrid 1',
        'set protocols bgp system-as 65000',
        'set interfaces wireguard wg0 address 10.0.0.1/24',
      ].join('\n'),
    );
    expect(device.hostName).toBe('r1');
    expect(warnings.map((warning) => warning.line)).toEqual([6, 7]);
  });

  it('splits words with quotes', () => {
    expect(words(`set interfaces ethernet eth0 description 'two words' "x y"`)).toEqual([
      'set',
      'interfaces',
      'ethernet',
      'eth0',
      'description',
      'two words',
      'x y',
    ]);
  });
});
