// Where a device's link leads at each size (scale.ts): its own page, or the site page that
// carries it when the environment is too large for a page per device.
import { describe, expect, test } from 'vitest';
import type { Environment } from './environments.ts';
import { hasDevicePage, links } from './links.ts';
import { scaleOf } from './scale.ts';

function environment(sites: number, serversPerSite: number): Environment {
  const scale = scaleOf({ sites, servers: sites * serversPerSite, segments: sites, files: sites * 22 });
  return {
    name: 'hub',
    serverSite: new Map([['s1-n01', 's1']]),
    routerSite: new Map([['rs1', 's1']]),
    scale,
  } as unknown as Environment;
}

describe('device links by size', () => {
  test('a small environment: every router and server has a page', () => {
    const small = environment(3, 2);
    expect(links.device(small, 'rs1')).toBe('/hub/devices/rs1/');
    expect(links.device(small, 's1-n01')).toBe('/hub/devices/s1-n01/');
    expect(hasDevicePage(small, 's1-n01')).toBe(true);
  });

  test('1,000 sites: routers keep their pages, servers are on their site page', () => {
    const large = environment(1000, 10);
    expect(links.device(large, 'rs1')).toBe('/hub/devices/rs1/');
    expect(links.device(large, 's1-n01')).toBe('/hub/sites/s1/#server-s1-n01');
    expect(hasDevicePage(large, 's1-n01')).toBe(false);
  });

  test('10,000 sites: the router is on its site page too', () => {
    const huge = environment(10000, 10);
    expect(hasDevicePage(huge, 'rs1')).toBe(false);
    expect(links.device(huge, 'rs1')).toBe('/hub/sites/s1/#router');
  });
});
