// Where the sites are: an equirectangular projection of their coordinates onto a graticule,
// cropped to the sites, with the tunnels as lines. Numbers only; WanMap.astro draws them.
import type { MapSite, MapTunnel } from './wan.ts';

/** Beyond this many tunnels the map draws the sites only (lines would be a solid blot). */
export const MAP_TUNNELS = 300;
/** Beyond this many sites the map labels nobody (each dot keeps its tooltip and link). */
export const MAP_LABELS = 40;

const MARGIN = 28;
const LABEL_LINE = 14;
/** Sites closer than this (px) share a place: their dots are spread and their labels stacked. */
const TOGETHER = 10;

export interface MapPoint {
  site: string;
  city: string | null;
  latitude: number;
  longitude: number;
  x: number;
  y: number;
}

export interface MapLabel {
  text: string;
  x: number;
  y: number;
  anchor: 'start' | 'end';
}

export interface MapLine extends MapTunnel {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

export interface SiteMap {
  width: number;
  height: number;
  /** The cropped extent in degrees. */
  west: number;
  east: number;
  south: number;
  north: number;
  meridians: { longitude: number; x: number; label: string }[];
  parallels: { latitude: number; y: number; label: string }[];
  points: MapPoint[];
  labels: MapLabel[];
  lines: MapLine[];
  /** Tunnels left out (more than MAP_TUNNELS). */
  omittedTunnels: number;
}

/** Graticule spacing in degrees for an extent: about three to twelve lines across. */
export function graticuleStep(spanDegrees: number): number {
  if (spanDegrees >= 120) return 30;
  if (spanDegrees >= 40) return 10;
  if (spanDegrees >= 10) return 5;
  return 1;
}

const clamp = (value: number, low: number, high: number) => Math.min(high, Math.max(low, value));
const round = (value: number) => Math.round(value * 10) / 10;

/** The padded range of some degrees, before snapping to the graticule. */
function padded(values: number[]): [number, number] {
  const low = Math.min(...values);
  const high = Math.max(...values);
  const pad = Math.max(2, (high - low) * 0.1);
  return [low - pad, high + pad];
}

const snap = ([low, high]: [number, number], step: number, limit: number): [number, number] => [
  clamp(Math.floor(low / step) * step, -limit, limit),
  clamp(Math.ceil(high / step) * step, -limit, limit),
];

const degrees = (value: number, positive: string, negative: string) =>
  value === 0 ? '0°' : `${Math.abs(value)}°${value > 0 ? positive : negative}`;

/**
 * The map of the located sites, `width` pixels wide at most and `maxHeight` tall at most.
 * One piece (over 80 lines): projection, graticule, spreading and labels share the frame it
 * computes first.
 */
export function siteMap(sites: MapSite[], tunnels: MapTunnel[], width = 720, maxHeight = 420): SiteMap {
  const longitudes = padded(sites.map((site) => site.longitude));
  const latitudes = padded(sites.map((site) => site.latitude));
  const step = graticuleStep(Math.max(longitudes[1] - longitudes[0], latitudes[1] - latitudes[0]));
  const [west, east] = snap(longitudes, step, 180);
  let [south, north] = snap(latitudes, step, 90);
  // A long thin strip (Berlin to Tokyo is 126° wide, 18° high) leaves no room for labels:
  // add whole graticule rows until the map is at most three times as wide as high.
  for (let turn = 0; (north - south) * 3 < east - west && (south > -90 || north < 90); turn++) {
    if ((turn % 2 === 0 && south > -90) || north >= 90) south -= step;
    else north += step;
  }
  const perDegree = Math.min(
    (width - 2 * MARGIN) / (east - west),
    (maxHeight - 2 * MARGIN) / (north - south),
  );
  const x = (longitude: number) => round(MARGIN + (longitude - west) * perDegree);
  const y = (latitude: number) => round(MARGIN + (north - latitude) * perDegree);
  const mapWidth = Math.round((east - west) * perDegree + 2 * MARGIN);
  const mapHeight = Math.round((north - south) * perDegree + 2 * MARGIN);

  // Sites sharing a place (a campus in its city) go round a small circle so every dot shows.
  // Groups are found through a grid of TOGETHER-sized cells around their first member: a scan
  // of every group per site would be quadratic (10,000 sites).
  const groups: MapPoint[][] = [];
  const cells = new Map<string, number[]>();
  const cellOf = (value: number) => Math.floor(value / TOGETHER);
  const near = (point: MapPoint): MapPoint[] | undefined => {
    let found: number | undefined;
    for (let dx = -1; dx <= 1; dx++)
      for (let dy = -1; dy <= 1; dy++)
        for (const index of cells.get(`${cellOf(point.x) + dx} ${cellOf(point.y) + dy}`) ?? []) {
          const first = groups[index]![0]!;
          if (
            Math.hypot(first.x - point.x, first.y - point.y) < TOGETHER &&
            (found === undefined || index < found)
          )
            found = index;
        }
    return found === undefined ? undefined : groups[found];
  };
  for (const site of sites) {
    const point = {
      site: site.site,
      city: site.city,
      latitude: site.latitude,
      longitude: site.longitude,
      x: x(site.longitude),
      y: y(site.latitude),
    };
    const group = near(point);
    if (group) group.push(point);
    else {
      const key = `${cellOf(point.x)} ${cellOf(point.y)}`;
      cells.set(key, [...(cells.get(key) ?? []), groups.length]);
      groups.push([point]);
    }
  }
  const points: MapPoint[] = [];
  for (const group of groups) {
    const [first] = group as [MapPoint];
    group.forEach((point, index) => {
      const angle = (2 * Math.PI * index) / group.length;
      const spread = group.length > 1 ? 5 : 0;
      points.push({
        ...point,
        x: round(first.x + spread * Math.cos(angle)),
        y: round(first.y + spread * Math.sin(angle)),
      });
    });
  }
  const labels = sites.length > MAP_LABELS ? [] : placeLabels(points, mapWidth, mapHeight);
  const at = new Map(points.map((point) => [point.site, point] as const));
  const drawn = tunnels.length > MAP_TUNNELS ? [] : tunnels;
  return {
    width: mapWidth,
    height: mapHeight,
    west,
    east,
    south,
    north,
    meridians: range(west, east, step).map((longitude) => ({
      longitude,
      x: x(longitude),
      label: degrees(longitude, 'E', 'W'),
    })),
    parallels: range(south, north, step).map((latitude) => ({
      latitude,
      y: y(latitude),
      label: degrees(latitude, 'N', 'S'),
    })),
    points,
    labels,
    lines: drawn.map((tunnel) => {
      const a = at.get(tunnel.a)!;
      const b = at.get(tunnel.b)!;
      return { ...tunnel, x1: a.x, y1: a.y, x2: b.x, y2: b.y };
    }),
    omittedTunnels: tunnels.length - drawn.length,
  };
}

/** Approximate box of a 12 px label: 7 px per character, baseline at y. */
function labelBox(label: MapLabel): [number, number, number, number] {
  const width = 7 * label.text.length + 4;
  const left = label.anchor === 'start' ? label.x : label.x - width;
  return [left, label.y - 11, left + width, label.y + 3];
}

const overlaps = (a: number[], b: number[]) =>
  a[0]! < b[2]! && b[0]! < a[2]! && a[1]! < b[3]! && b[1]! < a[3]!;

/**
 * Each site's name beside its dot: right, else left, else a line further down or up, the first
 * place that covers no other label or dot and stays on the map (a greedy pass, in site order).
 */
function placeLabels(points: MapPoint[], width: number, height: number): MapLabel[] {
  const dots = points.map((point) => [point.x - 6, point.y - 6, point.x + 6, point.y + 6]);
  const placed: MapLabel[] = [];
  const boxes: number[][] = [];
  for (const point of points) {
    const candidates: MapLabel[] = [];
    for (const shift of [0, 1, -1, 2, -2, 3, -3]) {
      const y = round(point.y + 4 + shift * LABEL_LINE);
      candidates.push({ text: point.site, x: round(point.x + 10), y, anchor: 'start' });
      candidates.push({ text: point.site, x: round(point.x - 10), y, anchor: 'end' });
    }
    const fits = (label: MapLabel) => {
      const box = labelBox(label);
      if (box[0] < 0 || box[2] > width || box[1] < 0 || box[3] > height) return false;
      return !boxes.some((other) => overlaps(box, other)) && !dots.some((dot) => overlaps(box, dot));
    };
    const label = candidates.find(fits) ?? candidates[0]!;
    placed.push(label);
    boxes.push(labelBox(label));
  }
  return placed;
}

function range(from: number, to: number, step: number): number[] {
  const values: number[] = [];
  for (let value = Math.ceil(from / step) * step; value <= to; value += step) values.push(value);
  return values;
}
