// The WAN a user would read in the Model: precedence of the sources, hub paths, geography.
import { describe, expect, it } from 'vitest';
import { CITIES, greatCircleKm } from './cities.ts';
import { loadTopology } from './load.ts';
import type { Model } from './model.ts';
import { resolve } from './resolve.ts';
import { wanSourceLabel } from './wan.ts';
import { zoneDelayMs, zoneMatrix } from './zones.ts';

const site = (name: string, n: number, extra: string) => `  - name: ${name}
${extra}    router: { name: rt-${name}, os: linux, wan: { interface: eth0, address: 10.4.0.${n}/16 } }
    segments:
      - { name: lan, prefix: 192.168.${n}.0/24, gateway: 192.168.${n}.1, interface: eth1 }
`;

function model(sites: string, rest: string): Model {
  const text = `name: lab\nsites:\n${sites}servers: []\n${rest}`;
  const loaded = loadTopology(text, 'lab.yaml');
  expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return resolve(loaded.topology!);
}

const three =
  site('tokyo', 1, '    location: { city: tokyo }\n    zone: japan-east\n') +
  site(
    'berlin',
    2,
    '    location: { city: berlin }\n    zone: germany-west-central\n    uplink: { rate: 100 }\n',
  ) +
  site('osaka', 3, '    location: { latitude: 34.69, longitude: 135.5 }\n');
const noZones = three.replace(/ {4}zone: .*\n/g, '');

describe('the WAN between sites', () => {
  it('puts Tokyo and Berlin about 8,900 km apart', () => {
    expect(Math.round(greatCircleKm(CITIES.tokyo!, CITIES.berlin!) / 100) * 100).toBe(8900);
  });

  it('takes a pair from explicit values, then the zone matrix, then coordinates, then defaults', () => {
    const wan = model(
      three,
      `wan:
  zones: azure-2024-06
  defaults: { jitter: 2 }
  pairs:
    - { sites: [osaka, tokyo], delay: 4, loss: 0.5 }
`,
    ).wan;
    const pair = (a: string, b: string) => wan.pairs.find((p) => p.a === a && p.b === b)!;
    expect(pair('tokyo', 'osaka').delayMs).toEqual({ value: 4, source: { kind: 'explicit', pair: 0 } });
    expect(pair('tokyo', 'osaka').lossPercent.value).toBe(0.5);
    const matrix = zoneMatrix('azure-2024-06')!;
    expect(pair('tokyo', 'berlin').delayMs).toEqual({
      value: zoneDelayMs(matrix, 'japan-east', 'germany-west-central'),
      source: { kind: 'zone', matrix: 'azure-2024-06', zones: ['japan-east', 'germany-west-central'] },
    });
    // Published: 252 ms one way round, 250 ms the other: one way is their mean halved.
    expect(pair('tokyo', 'berlin').delayMs.value).toBe(125.5);
    const geographic = pair('berlin', 'osaka').delayMs;
    expect(geographic.source.kind).toBe('coordinates');
    const km = greatCircleKm(CITIES.berlin!, { latitude: 34.69, longitude: 135.5 });
    expect(geographic.value).toBeCloseTo((km / 200) * 1.5 + 2, 2);
    expect(pair('tokyo', 'berlin').jitterMs).toEqual({
      value: 2,
      source: { kind: 'default', written: true },
    });
    expect(pair('tokyo', 'berlin').rateMbps).toEqual({
      value: null,
      source: { kind: 'default', written: false },
    });
  });

  it('caps a tunnel rate by the uplinks of its sites', () => {
    const wan = model(noZones, 'wan:\n  defaults: { rate: 500 }\n').wan;
    const tunnel = wan.tunnels.find((t) => t.tunnel === 'tokyo--berlin')!;
    expect(tunnel.rateMbps).toEqual({ value: 100, source: { kind: 'uplink', site: 'berlin' } });
    expect(wan.tunnels.find((t) => t.tunnel === 'tokyo--osaka')!.rateMbps.value).toBe(500);
  });

  it('adds the tunnels of a path through a hub', () => {
    const wan = model(
      noZones,
      `vpn:
  policy: { type: hub-and-spoke, hubs: [tokyo] }
wan:
  pairs:
    - { sites: [tokyo, berlin], delay: 100, jitter: 3, loss: 1, rate: 40 }
    - { sites: [tokyo, osaka], delay: 5, jitter: 1, loss: 1 }
`,
    ).wan;
    const path = wan.paths.find((p) => p.a === 'berlin' && p.b === 'osaka')!;
    expect(path.sites).toEqual(['berlin', 'tokyo', 'osaka']);
    expect(path.tunnels).toEqual(['tokyo--berlin', 'tokyo--osaka']);
    expect(path.delayMs.value).toBe(105);
    expect(path.jitterMs.value).toBe(4);
    expect(path.lossPercent.value).toBeCloseTo(1.99, 3);
    expect(path.rateMbps.value).toBe(40);
    expect(path.rttMs).toBe(210);
    expect(path.bottleneck).toBe('tokyo--berlin');
    expect(wan.pairs.find((p) => p.a === 'berlin' && p.b === 'osaka')!.tunnel).toBeNull();
  });

  it('is off and empty-handed without a wan section', () => {
    const wan = model(noZones, '').wan;
    expect(wan.emulate).toBe('none');
    expect(wan.zones).toBeNull();
    // Coordinates alone still describe the WAN: emulation is a separate choice.
    expect(wan.paths.every((path) => path.rttMs > 0)).toBe(true);
  });
});

describe('global-hub', () => {
  it('takes its WAN from its cities, and its spokes reach each other through Tokyo', async () => {
    const { loadTopologyFile } = await import('./load.ts');
    const root = new URL('../../../', import.meta.url);
    const loaded = await loadTopologyFile(new URL('environments/global-hub/topology.yaml', root).pathname);
    const wan = resolve(loaded.topology!).wan;
    expect(wan.emulate).toBe('lab');
    const tokyoBerlin = wan.paths.find((path) => path.a === 'tokyo' && path.b === 'berlin')!;
    expect(tokyoBerlin.delayMs.source).toMatchObject({ kind: 'coordinates', routeFactor: 1.5, accessMs: 2 });
    const km = (tokyoBerlin.delayMs.source as { distanceKm: number }).distanceKm;
    expect(Math.round(km / 100) * 100).toBe(8900);
    expect(tokyoBerlin.rttMs).toBeCloseTo(2 * ((km / 200) * 1.5 + 2), 2);
    const osakaBerlin = wan.paths.find((path) => path.a === 'osaka' && path.b === 'berlin')!;
    expect(osakaBerlin.sites).toEqual(['osaka', 'tokyo', 'berlin']);
    expect(wanSourceLabel(tokyoBerlin.delayMs.source)).toBe('coordinates (8917 km)');
    expect(wanSourceLabel(osakaBerlin.delayMs.source)).toBe('path (tokyo--osaka + tokyo--berlin)');
    expect(osakaBerlin.rttMs).toBeCloseTo(
      tokyoBerlin.rttMs + wan.paths.find((p) => p.b === 'osaka')!.rttMs,
      2,
    );
  });
});
