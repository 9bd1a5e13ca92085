// A NATed site is not cut off for a minute: the hub end of a dial-in tunnel says goodbye when it
// stops and both ends probe every 5 s, in the VyOS and the Linux renderings alike. Nor is a tunnel
// whose two ends restart together: the initiating TLS end gives a handshake 10 s, the responding
// end 15 s, and a static key, which OpenVPN refuses `hand-window` with, gets none.
import { readFileSync } from 'node:fs';
import { loadTopology, type Model, resolve } from '@geostage/schema';
import { describe, expect, it } from 'vitest';
import { generateNetwork } from './index.ts';
import { keepAliveOf } from './keep-alive.ts';
import { generateLinuxRouters } from './linux/index.ts';

const repository = new URL('../../../', import.meta.url);

function globalHub(linux: boolean): Model {
  const source = 'environments/global-hub/topology.yaml';
  const { topology } = loadTopology(readFileSync(new URL(source, repository), 'utf8'), source);
  const model = resolve(topology!, source);
  if (!linux) return model;
  return {
    ...model,
    sites: model.sites.map((site) => ({
      ...site,
      router: { ...site.router, os: 'linux', release: 'debian-12' },
    })),
  } as Model;
}

const end = (reachable: boolean) => ({
  site: 's',
  router: 'r',
  interface: 'vtun1',
  address: '10.0.0.1',
  port: 1194,
  wan: '192.0.2.1',
  initiator: true,
  reachable,
});

describe('keepAliveOf', () => {
  it('keeps 10 s / 60 s between reachable routers, 5 s / 20 s to a dial-in peer, and notifies only from the hub end', () => {
    expect(keepAliveOf(end(true), end(true), true)).toEqual({
      interval: 10,
      restartAfter: 60,
      exitNotify: 0,
      handWindow: 10,
      connectRetry: null,
    });
    expect(keepAliveOf(end(true), end(false), true)).toEqual({
      interval: 5,
      restartAfter: 20,
      exitNotify: 1,
      handWindow: 10,
      connectRetry: null,
    });
    expect(keepAliveOf(end(false), end(true), true)).toEqual({
      interval: 5,
      restartAfter: 20,
      exitNotify: 0,
      handWindow: 10,
      connectRetry: 3,
    });
  });

  it('gives the responding end a longer handshake window than the initiating one', () => {
    const responder = { ...end(true), initiator: false };
    expect(keepAliveOf(end(true), responder, true).handWindow).toBe(10);
    expect(keepAliveOf(responder, end(true), true).handWindow).toBe(15);
  });

  it('gives no hand-window to a static key, which has no handshake', () => {
    expect(keepAliveOf(end(true), end(true), false).handWindow).toBeNull();
    expect(keepAliveOf(end(false), end(true), false)).toMatchObject({ handWindow: null, connectRetry: 3 });
  });

  it('renders it for hub-tokyo and rt-campus as VyOS set commands', () => {
    const files = generateNetwork(globalHub(false)).files;
    const hub = files.find((file) => file.path === 'routers/hub-tokyo/config.set')!.content;
    const campus = files.find((file) => file.path === 'routers/rt-campus/config.set')!.content;
    expect(hub).toMatch(/openvpn-option 'explicit-exit-notify 1'/);
    expect(campus).not.toMatch(/explicit-exit-notify/);
    expect(campus).toMatch(/keep-alive interval 5\n/);
    expect(campus).toMatch(/openvpn-option 'connect-retry 3'\n.*openvpn-option 'hand-window 10'\n/);
    // tokyo--osaka: two reachable ends, both restarted by an apply that changes both; the hub
    // responds (15 s), rt-osaka initiates (10 s).
    expect(hub).toMatch(/interfaces openvpn vtun2 openvpn-option 'hand-window 15'\n/);
    const osaka = files.find((file) => file.path === 'routers/rt-osaka/config.set')!.content;
    expect(osaka).toMatch(/interfaces openvpn vtun1 openvpn-option 'hand-window 10'\n/);
  });

  it('renders it for the same routers as Linux openvpn files', () => {
    const files = generateLinuxRouters(globalHub(true)).files.filter((file) =>
      file.path.includes('/openvpn/'),
    );
    const hub = files.filter(
      (file) => file.path.startsWith('routers/hub-tokyo/') && file.path.endsWith('.conf'),
    );
    const campus = files.filter(
      (file) => file.path.startsWith('routers/rt-campus/') && file.path.endsWith('.conf'),
    );
    expect(hub.some((file) => /^keepalive 5 20\nexplicit-exit-notify 1$/m.test(file.content))).toBe(true);
    expect(
      campus.every(
        (file) =>
          /^keepalive 5 20\nconnect-retry 3\n#.*\nhand-window 10$/m.test(file.content) &&
          !/explicit-exit/.test(file.content),
      ),
    ).toBe(true);
    expect(campus.length).toBeGreaterThan(0);
    // The hub responds on every tunnel: 15 s, apart from the initiators' 10 s.
    expect(
      hub.every((file) => /^tls-server$/m.test(file.content) && /^hand-window 15$/m.test(file.content)),
    ).toBe(true);
  });

  it('writes no hand-window with a static key, in either rendering (OpenVPN refuses it without TLS)', () => {
    const staticKey = (model: Model): Model => ({
      ...model,
      vpn: { ...model.vpn, authentication: 'static-key' },
    });
    const linux = generateLinuxRouters(staticKey(globalHub(true))).files.filter((file) =>
      file.path.endsWith('.conf'),
    );
    const vyos = generateNetwork(staticKey(globalHub(false))).files.filter((file) =>
      file.path.endsWith('config.set'),
    );
    expect(linux.some((file) => /^secret /m.test(file.content))).toBe(true);
    expect(linux.some((file) => /^connect-retry 3$/m.test(file.content))).toBe(true);
    for (const file of [...linux, ...vyos]) expect(file.content, file.path).not.toMatch(/hand-window/);
  });
});
