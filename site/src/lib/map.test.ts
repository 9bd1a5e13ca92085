// The site map's geometry: cropped to the sites, co-located sites apart, tunnels between dots.
import { describe, expect, test } from 'vitest';
import { graticuleStep, MAP_LABELS, siteMap } from './map.ts';

const sites = [
  { site: 'tokyo', latitude: 35.68, longitude: 139.69, city: 'tokyo' },
  { site: 'osaka', latitude: 34.69, longitude: 135.5, city: 'osaka' },
  { site: 'berlin', latitude: 52.52, longitude: 13.4, city: 'berlin' },
  { site: 'campus', latitude: 52.52, longitude: 13.4, city: 'berlin' },
];
const tunnels = ['osaka', 'berlin', 'campus'].map((b) => ({
  tunnel: `tokyo--${b}`,
  a: 'tokyo',
  b,
  rttMs: 10,
  step: 1,
}));

describe('the site map', () => {
  const map = siteMap(sites, tunnels);

  test('is cropped to the sites on whole graticule steps, at most three times as wide as high', () => {
    expect([map.west, map.east, map.south, map.north]).toEqual([0, 180, 0, 60]);
    expect(map.width).toBeLessThanOrEqual(720);
    expect(map.height).toBeLessThanOrEqual(420);
    expect(map.parallels.map((line) => line.label)).toEqual(['0°', '30°N', '60°N']);
    expect(map.meridians.map((line) => line.label)).toEqual([
      '0°',
      '30°E',
      '60°E',
      '90°E',
      '120°E',
      '150°E',
      '180°E',
    ]);
    for (const point of map.points) {
      expect(point.x).toBeGreaterThan(0);
      expect(point.x).toBeLessThan(map.width);
      expect(point.y).toBeGreaterThan(0);
      expect(point.y).toBeLessThan(map.height);
    }
  });

  test('puts the east to the right and the north up', () => {
    const [tokyo, osaka, berlin] = map.points;
    expect(tokyo!.x).toBeGreaterThan(berlin!.x);
    expect(berlin!.y).toBeLessThan(osaka!.y);
  });

  test('keeps two sites in one city apart and labels both', () => {
    const berlin = map.points.find((point) => point.site === 'berlin')!;
    const campus = map.points.find((point) => point.site === 'campus')!;
    expect(Math.hypot(berlin.x - campus.x, berlin.y - campus.y)).toBeGreaterThan(4);
    const labels = map.labels.filter((label) => label.text === 'berlin' || label.text === 'campus');
    expect(labels).toHaveLength(2);
    // Side by side (one left, one right of the dots) or one under the other.
    expect(labels[0]!.anchor !== labels[1]!.anchor || Math.abs(labels[0]!.y - labels[1]!.y) >= 12).toBe(true);
  });

  test('no two labels cover each other or a dot', () => {
    const box = (label: (typeof map.labels)[number]) => {
      const width = 7 * label.text.length + 4;
      const left = label.anchor === 'start' ? label.x : label.x - width;
      return [left, label.y - 11, left + width, label.y + 3] as const;
    };
    const overlap = (a: readonly number[], b: readonly number[]) =>
      a[0]! < b[2]! && b[0]! < a[2]! && a[1]! < b[3]! && b[1]! < a[3]!;
    expect(map.labels).toHaveLength(4);
    for (const [index, label] of map.labels.entries()) {
      for (const other of map.labels.slice(index + 1))
        expect(overlap(box(label), box(other)), `${label.text} ${other.text}`).toBe(false);
      for (const point of map.points)
        expect(
          overlap(box(label), [point.x - 6, point.y - 6, point.x + 6, point.y + 6]),
          `${label.text} on ${point.site}`,
        ).toBe(false);
    }
  });

  test('draws a line per tunnel between its two dots', () => {
    expect(map.lines).toHaveLength(3);
    const tokyo = map.points[0]!;
    const campus = map.points[3]!;
    expect(map.lines[2]).toMatchObject({
      tunnel: 'tokyo--campus',
      x1: tokyo.x,
      y1: tokyo.y,
      x2: campus.x,
      y2: campus.y,
    });
  });

  test('many sites keep their dots and lose their labels; one site still has an extent', () => {
    const many = Array.from({ length: MAP_LABELS + 1 }, (_, index) => ({
      site: `s${index}`,
      latitude: index,
      longitude: index * 2,
      city: null,
    }));
    const drawn = siteMap(many, []);
    expect(drawn.points).toHaveLength(MAP_LABELS + 1);
    expect(drawn.labels).toEqual([]);
    const one = siteMap([sites[0]!], []);
    expect(one.east - one.west).toBeGreaterThan(0);
    expect(one.north - one.south).toBeGreaterThan(0);
  });

  test('graticule lines are a few to a dozen across', () => {
    expect([360, 120, 60, 12, 4].map(graticuleStep)).toEqual([30, 30, 10, 5, 1]);
  });
});
