// Tunnel agreement: ends pair the way packets pair them, and disagree for named reasons.
import { describe, expect, it } from 'vitest';
import { parseAddress } from '../address.ts';
import { emptyDevice, type TunnelEnd } from '../device.ts';
import { pairTunnels } from './tunnels.ts';

const ip = (text: string) => parseAddress(text)!;

function router(name: string, wan: string, ends: Partial<TunnelEnd>[]) {
  const device = emptyDevice(name, 'router');
  device.interfaces.push({
    name: 'eth0',
    addresses: [{ address: ip(wan), network: ip(wan), length: 32 }],
    disabled: false,
    origin: { file: name, line: 1 },
  });
  device.tunnels = ends.map((end, index) => ({
    router: name,
    interface: `vtun${index}`,
    protocol: 'udp',
    localHost: ip(wan),
    remoteHost: null,
    localPort: 1194,
    remotePort: 1194,
    localAddress: null,
    remoteAddress: null,
    authentication: { kind: 'tls', role: 'active' },
    disabled: false,
    origin: { file: name, line: 1 },
    ...end,
  }));
  return device;
}

const hub = (overrides: Partial<TunnelEnd> = {}) =>
  router('hub', '198.51.100.10', [
    {
      remoteHost: null,
      localPort: 1195,
      localAddress: ip('10.255.0.0'),
      remoteAddress: ip('10.255.0.1'),
      authentication: { kind: 'tls', role: 'passive' },
      ...overrides,
    },
  ]);
const spoke = (overrides: Partial<TunnelEnd> = {}) =>
  router('spoke', '172.16.5.2', [
    {
      remoteHost: ip('198.51.100.10'),
      remotePort: 1195,
      localAddress: ip('10.255.0.1'),
      remoteAddress: ip('10.255.0.0'),
      ...overrides,
    },
  ]);

describe('pairTunnels', () => {
  it('pairs a NATed spoke that dials with a passive hub end that has no remote-host', () => {
    const { tunnels } = pairTunnels([hub(), spoke()]);
    expect(tunnels).toMatchObject([{ name: 'hub--spoke', up: true, problems: [] }]);
  });

  it.each([
    ['the port it dials', spoke({ remotePort: 1196 }), hub(), /where no tunnel listens/],
    [
      'the tunnel addresses',
      spoke({ localAddress: ip('10.255.0.5') }),
      hub(),
      /is not spoke vtun0 local-address 10.255.0.5/,
    ],
    [
      'the TLS roles',
      spoke(),
      hub({ authentication: { kind: 'tls', role: 'active' } }),
      /both ends have TLS role active/,
    ],
    [
      'static key against TLS',
      spoke({ authentication: { kind: 'static-key', key: 'x' } }),
      hub(),
      /uses tls but spoke vtun0 uses static-key/,
    ],
  ])('keeps the tunnel down when the ends disagree on %s', (_, a, b, problem) => {
    const { tunnels } = pairTunnels([b, a]);
    expect(tunnels.some((tunnel) => tunnel.up)).toBe(false);
    expect(tunnels.flatMap((tunnel) => tunnel.problems).join('\n')).toMatch(problem);
  });

  it('a passive end nobody dials stays down, alone', () => {
    expect(pairTunnels([hub()]).tunnels).toMatchObject([
      { name: 'hub:vtun0', up: false, problems: ['hub vtun0 has no remote-host and no end dials it'] },
    ]);
  });
});
