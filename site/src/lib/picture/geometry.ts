// Where things sit in the topology picture, as numbers only: box sizes, the places of routers
// and servers inside a site box, the grid of site boxes, and the points of each tunnel line.
// draw.ts turns these into SVG; nothing here writes markup.
import type { ModelServer, ModelSite } from '@geostage/schema';

export interface Point {
  x: number;
  y: number;
}

/** A placed rectangle, as elkjs returns it (any field may be missing before layout). */
export interface Rectangle {
  x?: number;
  y?: number;
  width?: number;
  height?: number;
}

export const PAD = 12;
export const HEADER = 26;
export const ROUTER = { width: 196, height: 40 };
export const SERVER = { width: 136, height: 52 };
export const GAP = 8;
export const SEGMENT_LABEL = 20;
export const COLUMNS = 3;
export const SUMMARY = { width: 176, height: 50 };
/** Width of one character of label text, for sizing boxes without a font at build time. */
export const CHAR = 6.6;
/** Height of a tunnel label (two lines). */
export const LABEL_HEIGHT = 34;

export interface PlacedServer {
  server: ModelServer;
  x: number;
  y: number;
}

export interface SegmentRow {
  label: string;
  /** Baseline of the segment label. */
  labelY: number;
  servers: PlacedServer[];
}

/** A site box of the detailed view: its size, where the router sits, and each segment's servers. */
export interface SiteBox {
  site: ModelSite;
  width: number;
  height: number;
  routerX: number;
  segments: SegmentRow[];
}

function segmentLabel(segment: ModelSite['segments'][number]): string {
  return `${segment.name}${segment.vlan !== null ? ` · VLAN ${segment.vlan}` : ''} · ${segment.prefix}`;
}

/** Rows of a segment: at least one, so an empty segment still shows its label and a gap. */
function rowsOf(servers: number): number {
  return Math.max(1, Math.ceil(servers / COLUMNS));
}

/** Sizes a site box: router on top, then per segment a label and its servers, COLUMNS wide. */
export function measureSite(site: ModelSite, servers: ModelServer[]): SiteBox {
  const segments = site.segments.map((segment) => ({
    label: segmentLabel(segment),
    servers: servers.filter((server) => server.segment === segment.name),
  }));
  const columns = Math.min(COLUMNS, Math.max(1, ...segments.map((segment) => segment.servers.length)));
  const serversWidth = columns * SERVER.width + (columns - 1) * GAP;
  const labelWidth = Math.max(...segments.map((segment) => segment.label.length * CHAR));
  const width = Math.ceil(Math.max(ROUTER.width, serversWidth, labelWidth) + 2 * PAD);
  let top = HEADER + ROUTER.height + GAP;
  const rows: SegmentRow[] = [];
  for (const segment of segments) {
    const labelY = top + 14;
    top += SEGMENT_LABEL;
    const placed = segment.servers.map((server, index) => ({
      server,
      x: PAD + (index % COLUMNS) * (SERVER.width + GAP),
      y: top + Math.floor(index / COLUMNS) * (SERVER.height + GAP),
    }));
    const count = rowsOf(segment.servers.length);
    top += count * SERVER.height + (count - 1) * GAP + GAP;
    rows.push({ label: segment.label, labelY, servers: placed });
  }
  return { site, width, height: top + PAD - GAP, routerX: (width - ROUTER.width) / 2, segments: rows };
}

/** Width of a tunnel label box for its lines of text. */
export function labelWidth(lines: readonly string[]): number {
  return Math.max(...lines.map((line) => line.length)) * CHAR + 12;
}

export function center(node: Rectangle): Point {
  return { x: (node.x ?? 0) + (node.width ?? 0) / 2, y: (node.y ?? 0) + (node.height ?? 0) / 2 };
}

/** Where the segment from `inside` (a box centre) towards `outside` leaves the box. */
export function clip(inside: Point, outside: Point, node: Rectangle): Point {
  const dx = outside.x - inside.x;
  const dy = outside.y - inside.y;
  const halfWidth = (node.width ?? 0) / 2;
  const halfHeight = (node.height ?? 0) / 2;
  const scale = Math.min(
    dx === 0 ? Infinity : halfWidth / Math.abs(dx),
    dy === 0 ? Infinity : halfHeight / Math.abs(dy),
  );
  return { x: inside.x + dx * scale, y: inside.y + dy * scale };
}

/** A straight line between two boxes, from border to border (stress layouts route no edges). */
export function straightBetween(from: Rectangle, to: Rectangle): Point[] {
  return [clip(center(from), center(to), from), clip(center(to), center(from), to)];
}

export function midpoint(points: readonly Point[]): Point {
  const first = points[0]!;
  const last = points[points.length - 1]!;
  return { x: (first.x + last.x) / 2, y: (first.y + last.y) / 2 };
}

/** One decimal: enough for a picture, and stable across runs. */
export function round(value: number): number {
  return Math.round(value * 10) / 10;
}

export interface Bounds {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

/** The smallest box holding the origin and every rectangle given. */
export function boundsOf(rectangles: readonly Rectangle[]): Bounds {
  const bounds = { minX: 0, minY: 0, maxX: 0, maxY: 0 };
  for (const { x = 0, y = 0, width = 0, height = 0 } of rectangles) {
    bounds.minX = Math.min(bounds.minX, x);
    bounds.minY = Math.min(bounds.minY, y);
    bounds.maxX = Math.max(bounds.maxX, x + width);
    bounds.maxY = Math.max(bounds.maxY, y + height);
  }
  return bounds;
}

/** The grid of the many-sites view: one summary box per site, hubs alone on the top row. */
export interface Grid {
  positions: Map<string, Point>;
  /** The sites in drawing order: by id. */
  ordered: ModelSite[];
  /** Height of the hub row with the bus under it, 0 without hubs. */
  top: number;
  width: number;
  height: number;
}

const CELL = { width: SUMMARY.width + 36, height: SUMMARY.height + 18 };
/** Where the bus runs from the hubs to the column trunks. */
const BUS_Y = SUMMARY.height + 24;

export function gridLayout(sites: readonly ModelSite[], hubs: ReadonlySet<string>): Grid {
  const ordered = [...sites].sort((a, b) => a.id - b.id);
  const hubSites = ordered.filter((site) => hubs.has(site.name));
  const others = ordered.filter((site) => !hubs.has(site.name));
  // At most six columns: about 1,270 px, the width of a laptop window, so only phones scroll sideways.
  const columns = Math.max(4, Math.min(6, Math.ceil(Math.sqrt(others.length * 1.6))));
  const gridWidth = columns * CELL.width;
  const top = hubSites.length > 0 ? SUMMARY.height + 48 : 0;
  const positions = new Map<string, Point>();
  hubSites.forEach((site, index) => {
    const rowWidth = hubSites.length * CELL.width;
    positions.set(site.name, { x: (gridWidth - rowWidth) / 2 + index * CELL.width + 18, y: 0 });
  });
  others.forEach((site, index) => {
    positions.set(site.name, {
      x: (index % columns) * CELL.width + 18,
      y: top + Math.floor(index / columns) * CELL.height,
    });
  });
  const rows = Math.ceil(others.length / columns);
  return {
    positions,
    ordered,
    top,
    width: Math.ceil(gridWidth + 16),
    height: Math.ceil(top + rows * CELL.height + 8),
  };
}

/** Hub to spoke in the grid: down from the hub to the bus, along it, down the trunk, into the spoke. */
export function combPoints(hub: Point, spoke: Point): Point[] {
  const trunkX = spoke.x - 9;
  const hubX = hub.x + SUMMARY.width / 2;
  const spokeY = spoke.y + SUMMARY.height / 2;
  return [
    { x: hubX, y: SUMMARY.height },
    { x: hubX, y: BUS_Y },
    { x: trunkX, y: BUS_Y },
    { x: trunkX, y: spokeY },
    { x: spoke.x, y: spokeY },
  ];
}

/** Centre to centre of two summary boxes in the grid. */
export function gridLine(a: Point, b: Point): Point[] {
  return [
    { x: a.x + SUMMARY.width / 2, y: a.y + SUMMARY.height / 2 },
    { x: b.x + SUMMARY.width / 2, y: b.y + SUMMARY.height / 2 },
  ];
}
