// The site's data layer without a browser: measured results against computed ones, site-level
// counts for large environments, and which device a generated file belongs to.
import { readFileSync } from 'node:fs';
import { intendedReachability, loadTopology, resolve } from '@geostage/schema';
import { describe, expect, test } from 'vitest';
import { ownersOf } from './files.ts';
import { sitePairCounts } from './reachability.ts';
import { omissions, scaleOf } from './scale.ts';
import { disagreements, measuredLookup, parseVerify } from './verify.ts';

const source = 'environments/keio-2019/topology.yaml';
const loaded = loadTopology(readFileSync(new URL(`../../../${source}`, import.meta.url), 'utf8'), source);
const model = resolve(loaded.topology!, source);
const servers = model.servers.map((server) => server.name);

describe('verify.json', () => {
  test('a disagreement between measured and computed reachability is reported with both values', () => {
    const intended = intendedReachability(model);
    const pairs = servers.flatMap((from) =>
      servers
        .filter((to) => to !== from)
        .map((to) => ({ from, to, reachable: intended.after(from, to), rttMs: 1.2 })),
    );
    // The measurement says node01 cannot reach master01.
    pairs.find((pair) => pair.from === 'node01' && pair.to === 'master01')!.reachable = false;
    const parsed = parseVerify(JSON.stringify({ measuredAt: '2025-01-31T12:00:00Z', pairs }));
    if (typeof parsed === 'string') throw new Error(parsed);
    expect(disagreements(servers, intended.after, measuredLookup(parsed))).toEqual([
      { from: 'node01', to: 'master01', computed: true, measured: false },
    ]);
  });

  test('a malformed file is a message naming what is missing, not an exception', () => {
    expect(parseVerify('{')).toMatch(/not JSON/);
    expect(parseVerify('{"pairs": []}')).toMatch(/measuredAt/);
    expect(parseVerify('{"measuredAt": "x", "pairs": [{"from": "lb"}]}')).toMatch(/pairs\[0\]/);
  });
});

describe('site-level counts', () => {
  test('keio-2019: sites reach only themselves before the VPN and everyone after', () => {
    const intended = intendedReachability(model);
    const before = sitePairCounts(model, intended.before);
    const after = sitePairCounts(model, intended.after);
    expect(before.get('site1', 'site1')).toEqual({ reachable: 12, total: 12 });
    expect(before.get('site1', 'site2')).toEqual({ reachable: 0, total: 8 });
    expect(after.get('site2', 'site3')).toEqual({ reachable: 4, total: 4 });
  });
});

describe('files and scale', () => {
  test('a file belongs to the devices named in its path', () => {
    const devices = new Set(['vyos01', 'lb', 'master01']);
    expect(ownersOf('routers/vyos01/config.set', devices)).toEqual(['vyos01']);
    expect(ownersOf('load-balancers/lb/haproxy.cfg', devices)).toEqual(['lb']);
    expect(ownersOf('cni/flannel.yaml', devices)).toEqual([]);
  });

  test('large environments switch to site-level views and plain file pages', () => {
    expect(scaleOf({ sites: 3, servers: 8, segments: 5, files: 26 })).toEqual({
      detailed: true,
      siteMatrix: true,
      highlighted: true,
      reachability: true,
      devicePages: true,
      picture: true,
      routeTable: true,
      wanHeatmaps: true,
      wanDetail: true,
    });
    expect(scaleOf({ sites: 1000, servers: 10000, segments: 1000, files: 22004 })).toEqual({
      detailed: false,
      siteMatrix: false,
      highlighted: false,
      reachability: true,
      devicePages: true,
      picture: true,
      routeTable: false,
      wanHeatmaps: false,
      wanDetail: false,
    });
    expect(scaleOf({ sites: 10000, servers: 100000, segments: 10000, files: 220004 })).toMatchObject({
      reachability: false,
      devicePages: false,
      picture: false,
    });
  });

  test('a small environment leaves nothing out; 10,000 sites say what is left out and how to get it', () => {
    expect(omissions('keio-2019', { sites: 3, servers: 8, segments: 5, files: 26 }, false)).toEqual([]);
    const left = omissions(
      'hub-10000',
      { sites: 10000, servers: 100000, segments: 10000, files: 220004 },
      true,
    );
    expect(left.map((item) => item.id)).toEqual([
      'picture',
      'detailed',
      'reachability',
      'devicePages',
      'wanHeatmaps',
    ]);
    const reachability = left.find((item) => item.id === 'reachability')!;
    expect(reachability.left).toContain('100,000,000 segment pairs');
    expect(reachability.command).toBe('geostage reach hub-10000 --format json --output reachability.json');
    expect(left.find((item) => item.id === 'devicePages')!.instead).toContain(
      'environments/hub-10000/generated/',
    );
  });
});
