import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { intendedReachability } from './intent.ts';
import type { Model } from './model.ts';
import { resolve } from './resolve.ts';
import type { Topology } from './topology.ts';

const root = new URL('../../../', import.meta.url);

function model(name: string): Model {
  const source = `environments/${name}/topology.yaml`;
  return resolve(parse(readFileSync(new URL(source, root), 'utf8')) as Topology, source);
}

describe('what the Model intends', () => {
  it('keio-2019: before the VPN only a site reaches itself; after it every server reaches every other', () => {
    const intent = intendedReachability(model('keio-2019'));
    expect(intent.before('master01', 'master02')).toBe(true);
    expect(intent.before('master01', 'node01')).toBe(false);
    expect(intent.after('master01', 'node01')).toBe(true);
    expect(intent.routers('master01', 'node03')).toEqual(['vyos01', 'vyos03']);
    expect(intent.routers('master01', 'master02')).toEqual(['vyos01']);
  });

  it('global-hub: spokes reach each other through the hub, and a server nobody knows reaches nothing', () => {
    const intent = intendedReachability(model('global-hub'));
    expect(intent.after('w-osaka-1', 'w-campus-1')).toBe(true);
    expect(intent.routers('w-osaka-1', 'w-campus-1')).toEqual(['rt-osaka', 'hub-tokyo', 'rt-campus']);
    expect(intent.routers('w-osaka-1', 'w-tokyo-1')).toEqual(['rt-osaka', 'hub-tokyo']);
    expect(intent.after('w-osaka-1', 'nobody')).toBe(false);
    expect(intent.routers('nobody', 'w-osaka-1')).toBeUndefined();
  });

  it('a router without a route to the far segment: not intended, and no path', () => {
    const keio = model('keio-2019');
    const sites = keio.sites.map((site) =>
      site.name === 'site1' ? { ...site, router: { ...site.router, routes: [] } } : site,
    );
    const intent = intendedReachability({ ...keio, sites });
    expect(intent.after('master01', 'node01')).toBe(false);
    expect(intent.after('node01', 'master01')).toBe(false);
    expect(intent.routers('master01', 'node01')).toBeUndefined();
    expect(intent.routers('node01', 'master01')).toEqual(['vyos02', 'vyos01']);
  });
});
