// The WAN section's data: configured beside measured per site pair, the colour scale and the
// sources, on the bundled environments and the site's wan.json fixture.
import { readFileSync } from 'node:fs';
import { parseWanResults } from '@geostage/environment';
import { loadTopology, type Model, type ModelWan, resolve } from '@geostage/schema';
import { describe, expect, test } from 'vitest';
import { type HeatCell, hasWan, RATE_SCALE, RTT_SCALE, rateStep, rttStep, wanView } from './wan.ts';

function model(env: string): Model {
  const source = `environments/${env}/topology.yaml`;
  const loaded = loadTopology(readFileSync(new URL(`../../../${source}`, import.meta.url), 'utf8'), source);
  return resolve(loaded.topology!, source);
}

const globalHub = model('global-hub').wan;
const fixture = parseWanResults(
  readFileSync(new URL('../../test/fixtures/wan-global-hub.json', import.meta.url), 'utf8'),
);
if (typeof fixture === 'string') throw new Error(fixture);

const at = (rows: HeatCell[][], from: string, to: string) =>
  rows.flat().find((cell) => cell.from === from && cell.to === to)!;

/** WCAG contrast ratio of two #rrggbb colours. */
function contrast(one: string, two: string): number {
  const luminance = (hex: string) => {
    const [r, g, b] = [1, 3, 5].map((start) => {
      const channel = Number.parseInt(hex.slice(start, start + 2), 16) / 255;
      return channel <= 0.03928 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
  };
  const [high, low] = [luminance(one), luminance(two)].sort((a, b) => b - a);
  return (high! + 0.05) / (low! + 0.05);
}

describe('which environments get a WAN section', () => {
  test('keio-2019 declares no WAN; global-hub (coordinates) and wide-2012 (defaults) do', () => {
    expect(hasWan(model('keio-2019').wan)).toBe(false);
    expect(hasWan(globalHub)).toBe(true);
    expect(hasWan(model('wide-2012').wan)).toBe(true);
  });
});

describe('heatmaps from the Model', () => {
  const view = wanView(globalHub, null);
  const tokyoBerlin = globalHub.paths.find((path) => path.a === 'tokyo' && path.b === 'berlin')!;

  test("Tokyo-Berlin's round trip is the Model's, from coordinates, the same both ways", () => {
    const cell = at(view.rtt.rows, 'tokyo', 'berlin');
    expect(cell.configured).toBe(tokyoBerlin.rttMs);
    expect(cell.text).toBe(tokyoBerlin.rttMs.toFixed(1));
    expect(cell.source).toMatch(/coordinates \(89\d\d km\)/);
    expect(at(view.rtt.rows, 'berlin', 'tokyo').configured).toBe(tokyoBerlin.rttMs);
    expect(cell.step).toBe(rttStep(tokyoBerlin.rttMs));
    expect(cell.measured).toBeNull();
    expect(cell.agrees).toBeNull();
  });

  test('the diagonal is a dash, the order is the Model site order, a path through the hub says so', () => {
    expect(view.rtt.names).toEqual(['tokyo', 'osaka', 'berlin', 'campus']);
    expect(at(view.rtt.rows, 'osaka', 'osaka')).toMatchObject({ self: true, text: '-', step: null });
    expect(at(view.rtt.rows, 'osaka', 'berlin').source).toContain('path (tokyo--osaka + tokyo--berlin)');
    expect(view.sources.find((pair) => pair.a === 'osaka' && pair.b === 'berlin')!.route).toBe(
      'osaka > tokyo > berlin',
    );
  });

  test('rates without a limit are "unlimited" on the lightest step', () => {
    expect(at(view.rate.rows, 'tokyo', 'osaka')).toMatchObject({
      configured: null,
      text: 'unlimited',
      step: 0,
    });
  });

  test('the map has the four located sites and the three tunnels, coloured by round trip', () => {
    expect(view.map!.sites.map((site) => site.site)).toEqual(['tokyo', 'osaka', 'berlin', 'campus']);
    expect(view.map!.tunnels.map((tunnel) => [tunnel.tunnel, tunnel.step])).toEqual([
      ['tokyo--osaka', rttStep(globalHub.tunnels[0]!.delayMs.value! * 2)],
      ['tokyo--berlin', rttStep(tokyoBerlin.rttMs)],
      ['tokyo--campus', rttStep(tokyoBerlin.rttMs)],
    ]);
    expect(wanView(model('wide-2012').wan, null).map).toBeNull();
  });
});

describe('measured beside configured', () => {
  const view = wanView(globalHub, fixture);

  test('a measured cell shows median and p10-p90; agreeing pairs are not marked', () => {
    expect(at(view.rtt.rows, 'berlin', 'tokyo')).toMatchObject({
      measured: '138.5 (138.2-139.4)',
      measuredValue: 138.5,
      agrees: true,
      baseRttMs: 0.4,
    });
    expect(at(view.rate.rows, 'tokyo', 'osaka')).toMatchObject({
      measured: '441.2',
      measuredValue: 441.2,
      agrees: true,
    });
  });

  test('an RTT disagreement marks the RTT heatmap only; one for another reason marks both', () => {
    expect(at(view.rtt.rows, 'osaka', 'berlin').agrees).toBe(false);
    expect(at(view.rate.rows, 'osaka', 'berlin').agrees).toBe(true);
    expect(at(view.rtt.rows, 'tokyo', 'campus').agrees).toBe(false);
    expect(at(view.rate.rows, 'campus', 'tokyo').agrees).toBe(false);
    expect(view.disagreements).toEqual([
      { from: 'tokyo', to: 'campus', differences: ['loss 5%, expected 0%'] },
      { from: 'osaka', to: 'berlin', differences: [expect.stringContaining('RTT 190.2 ms')] },
    ]);
    expect(view.measured).toMatchObject({
      measuredAt: '2026-12-01T12:00:00Z',
      emulation: 'wirefilter',
      quick: false,
    });
  });
});

describe('the colour scale', () => {
  test('steps are contiguous, labelled with their numbers, and every ink reads on its background', () => {
    expect(RTT_SCALE.steps.map((step) => step.label)).toEqual([
      'under 5 ms',
      '5-20 ms',
      '20-50 ms',
      '50-150 ms',
      '150 ms or more',
    ]);
    expect(RATE_SCALE.steps.map((step) => step.label)).toEqual([
      'unlimited',
      '1000 Mbit/s or more',
      '100-1000 Mbit/s',
      '10-100 Mbit/s',
      'under 10 Mbit/s',
    ]);
    for (const step of [...RTT_SCALE.steps, ...RATE_SCALE.steps]) {
      expect(contrast(step.background, step.ink), step.label).toBeGreaterThanOrEqual(4.5);
    }
  });

  test('values fall on the step whose bounds hold them', () => {
    expect([0, 4.9, 5, 19.9, 20, 50, 149, 150, 900].map(rttStep)).toEqual([0, 0, 1, 1, 2, 3, 3, 4, 4]);
    expect([null, 10_000, 1000, 999, 100, 50, 10, 9.9].map(rateStep)).toEqual([0, 1, 1, 2, 2, 3, 3, 4]);
  });
});

describe('large environments', () => {
  test('200 sites give a 200 x 200 heatmap, symmetric', () => {
    const names = Array.from({ length: 200 }, (_, index) => `s${String(index).padStart(3, '0')}`);
    const value = (v: number | null) => ({ value: v, source: { kind: 'default' as const, written: true } });
    const characteristics = {
      delayMs: value(10),
      jitterMs: value(0),
      lossPercent: value(0),
      rateMbps: value(100),
    };
    const wan: ModelWan = {
      emulate: 'lab',
      zones: null,
      routeFactor: 1.5,
      fibreKmPerMs: 200,
      sites: names.map((site) => ({ site, location: null, zone: null, uplinkMbps: null, accessMs: 1 })),
      pairs: [],
      tunnels: [],
      paths: names.flatMap((a, index) =>
        names.slice(index + 1).map((b) => ({
          a,
          b,
          sites: [a, b],
          tunnels: [`${a}--${b}`],
          rttMs: 20,
          bottleneck: `${a}--${b}`,
          ...characteristics,
        })),
      ),
    };
    // How long it takes is a benchmark's question (scripts/bench-site.ts --wan), not a test's.
    const view = wanView(wan, null);
    expect(view.rtt.rows).toHaveLength(200);
    expect(view.rtt.rows.every((row) => row.length === 200)).toBe(true);
    expect(at(view.rate.rows, 's199', 's000')).toMatchObject({ text: '100', step: 2 });
  });
});
