// A NATed site is not cut off for a minute: the hub end of a dial-in tunnel says goodbye when it
// stops and both ends probe every 5 s, in the VyOS and the Linux renderings alike.
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
    expect(keepAliveOf(end(true), end(true))).toEqual({
      interval: 10,
      restartAfter: 60,
      exitNotify: 0,
      dialling: null,
    });
    expect(keepAliveOf(end(true), end(false))).toEqual({
      interval: 5,
      restartAfter: 20,
      exitNotify: 1,
      dialling: null,
    });
    expect(keepAliveOf(end(false), end(true))).toMatchObject({
      interval: 5,
      restartAfter: 20,
      exitNotify: 0,
      dialling: { connectRetry: 3, handWindow: 10 },
    });
  });

  it('renders it for hub-tokyo and rt-campus as VyOS set commands', () => {
    const files = generateNetwork(globalHub(false)).files;
    const hub = files.find((file) => file.path === 'routers/hub-tokyo/config.set')!.content;
    const campus = files.find((file) => file.path === 'routers/rt-campus/config.set')!.content;
    expect(hub).toMatch(/openvpn-option 'explicit-exit-notify 1'/);
    expect(campus).not.toMatch(/explicit-exit-notify/);
    expect(campus).toMatch(/keep-alive interval 5\n/);
    expect(campus).toMatch(/openvpn-option 'connect-retry 3'\n.*openvpn-option 'hand-window 10'\n/);
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
          /^keepalive 5 20\nconnect-retry 3\nhand-window 10$/m.test(file.content) &&
          !/explicit-exit/.test(file.content),
      ),
    ).toBe(true);
    expect(campus.length).toBeGreaterThan(0);
  });
});
