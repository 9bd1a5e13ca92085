// The topology picture: sites as boxes (router on top, servers by segment, coloured by role),
// tunnels as lines between them with their addresses. elkjs places the sites and routes the
// tunnels; geometry.ts measures, draw.ts writes the SVG, and this file runs the steps in order.
//
// Without server detail (above the scale's DETAILED_SERVERS) the picture is site-level: one
// small box per site with its server counts; above GRID_SITES sites those boxes form a grid.
import type { Model, ModelTunnel } from '@geostage/schema';
import ElkBundled from 'elkjs/lib/elk.bundled.js';
import type {
  ELKConstructorArguments,
  ElkExtendedEdge,
  ELK as ElkLayouter,
  ElkNode,
  ElkPoint,
} from 'elkjs/lib/elk-api.js';
import {
  drawSite,
  drawSummary,
  drawSvg,
  drawTunnel,
  drawTunnelLabel,
  type PictureLinks,
  tunnelLabelLines,
} from './draw.ts';
import {
  boundsOf,
  combPoints,
  gridLayout,
  gridLine,
  LABEL_HEIGHT,
  labelWidth,
  measureSite,
  midpoint,
  type Point,
  type Rectangle,
  round,
  type SiteBox,
  SUMMARY,
  straightBetween,
} from './geometry.ts';

export type { PictureLinks } from './draw.ts';
export { ROLE_CLASS } from './draw.ts';

type ElkConstructor = new (args?: ELKConstructorArguments) => ElkLayouter;
// elkjs is CommonJS whose types declare an ES default export: under NodeNext the default import
// is the module object, under Vite the constructor. Take the constructor either way.
const ELK = ((ElkBundled as unknown as { default?: ElkConstructor }).default ??
  ElkBundled) as unknown as ElkConstructor;

/** Above this many sites the site-level view is a grid, not an elkjs layout (see gridPicture). */
export const GRID_SITES = 24;
/** Above this many tunnels a grid picture draws no lines between spokes: the tables list them. */
const GRID_LINES = 300;
/** Up to this many tunnels the site-level view still writes addresses on the lines. */
const LABELLED_TUNNELS = 12;

/** Draws the picture; async because elkjs lays out asynchronously. */
export async function topologyPicture(model: Model, detailed: boolean, links: PictureLinks): Promise<string> {
  if (!detailed && model.sites.length > GRID_SITES) return gridPicture(model, links);
  const hubs = new Set(model.vpn.hubs);
  const boxes = measureBoxes(model, detailed);
  const labelled = detailed || model.tunnels.length <= LABELLED_TUNNELS;
  const laid = await new ELK().layout(layoutGraph(model, boxes, labelled));
  const positions = new Map((laid.children ?? []).map((node) => [node.id, node] as const));
  const tunnels = placeTunnels(model, laid, positions, labelled);
  const bounds = boundsOf([...positions.values(), ...tunnels.flatMap((tunnel) => tunnel.label ?? [])]);
  const sites = model.sites.flatMap((site) => {
    const node = positions.get(site.name);
    if (!node) return [];
    const box = boxes.get(site.name) ?? null;
    const hub = hubs.has(site.name);
    return box
      ? drawSite(box, node.x ?? 0, node.y ?? 0, hub, links)
      : drawSummary(site, model, node.x ?? 0, node.y ?? 0, hub, links);
  });
  const margin = 8;
  const width = Math.ceil(bounds.maxX - bounds.minX + 2 * margin);
  const height = Math.ceil(bounds.maxY - bounds.minY + 2 * margin);
  const viewBox = `${round(bounds.minX - margin)} ${round(bounds.minY - margin)} ${width} ${height}`;
  const body =
    tunnels.map((placed) => drawTunnel(placed.tunnel, placed.points, true)).join('') +
    sites.join('') +
    tunnels.map((placed) => placed.drawnLabel).join('');
  return drawSvg(
    model,
    { className: 'topology', viewBox, width, height, view: detailed ? 'servers' : 'sites' },
    body,
  );
}

/** The detailed view measures every site box; the site-level view uses SUMMARY boxes (null). */
function measureBoxes(model: Model, detailed: boolean): Map<string, SiteBox | null> {
  const boxes = new Map<string, SiteBox | null>();
  for (const site of model.sites) {
    boxes.set(
      site.name,
      detailed
        ? measureSite(
            site,
            model.servers.filter((server) => server.site === site.name),
          )
        : null,
    );
  }
  return boxes;
}

/** The elkjs input: one node per site box, one edge per tunnel, with room for its label. */
function layoutGraph(model: Model, boxes: Map<string, SiteBox | null>, labelled: boolean): ElkNode {
  const hubs = new Set(model.vpn.hubs);
  return {
    id: 'root',
    layoutOptions: layoutOptions(model, boxes, labelled),
    children: model.sites.map((site) => {
      const box = boxes.get(site.name);
      return { id: site.name, width: box?.width ?? SUMMARY.width, height: box?.height ?? SUMMARY.height };
    }),
    edges: model.tunnels.map((tunnel) => {
      // Edges point away from the hub so the layered layout puts hubs first.
      const reversed = hubs.has(tunnel.b.site) && !hubs.has(tunnel.a.site);
      const lines = tunnelLabelLines(tunnel);
      return {
        id: tunnel.name,
        sources: [reversed ? tunnel.b.site : tunnel.a.site],
        targets: [reversed ? tunnel.a.site : tunnel.b.site],
        labels: labelled ? [{ text: lines.join('\n'), width: labelWidth(lines), height: LABEL_HEIGHT }] : [],
      };
    }),
  };
}

/**
 * Hub-and-spoke reads best as a tree: hubs in the first layer, spokes beside them.
 * Small meshes read best as a ring, which the stress layout gives.
 */
function layoutOptions(
  model: Model,
  boxes: Map<string, SiteBox | null>,
  labelled: boolean,
): Record<string, string> {
  const mesh = model.vpn.policy !== 'hub-and-spoke' && model.sites.length <= 12;
  if (!mesh) {
    return {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.edgeRouting': 'POLYLINE',
      'elk.spacing.nodeNode': '24',
      'elk.layered.spacing.nodeNodeBetweenLayers': labelled ? '90' : '60',
      'elk.layered.spacing.edgeNodeBetweenLayers': '20',
      'elk.edgeLabels.placement': 'CENTER',
    };
  }
  // Stress treats nodes as points: ask for edges long enough to clear the boxes and the label.
  const largest = Math.max(
    SUMMARY.width,
    ...[...boxes.values()].map((box) => (box ? Math.hypot(box.width, box.height) : 0)),
  );
  return { 'elk.algorithm': 'stress', 'elk.stress.desiredEdgeLength': String(Math.round(largest + 60)) };
}

interface PlacedTunnel {
  tunnel: ModelTunnel;
  points: Point[];
  /** Where the label box sits, for the picture's bounds; null when unlabelled. */
  label: Rectangle | null;
  drawnLabel: string;
}

/**
 * Each tunnel's line and label from the layout. Straight lines (stress) need their ends
 * clipped to the boxes; their labels then sit at the middle.
 */
function placeTunnels(
  model: Model,
  laid: ElkNode,
  positions: Map<string, ElkNode>,
  labelled: boolean,
): PlacedTunnel[] {
  const edges = new Map(((laid.edges ?? []) as ElkExtendedEdge[]).map((edge) => [edge.id, edge] as const));
  return model.tunnels.flatMap((tunnel): PlacedTunnel[] => {
    const edge = edges.get(tunnel.name);
    const from = positions.get(tunnel.a.site);
    const to = positions.get(tunnel.b.site);
    if (!edge || !from || !to) return [];
    const section = edge.sections?.[0];
    const points: ElkPoint[] = section
      ? [section.startPoint, ...(section.bendPoints ?? []), section.endPoint]
      : straightBetween(from, to);
    if (!labelled) return [{ tunnel, points, label: null, drawnLabel: '' }];
    const lines = tunnelLabelLines(tunnel);
    const width = labelWidth(lines);
    const placed = edge.labels?.[0];
    const middle = midpoint(points);
    const label =
      placed && placed.x !== undefined && section
        ? { x: placed.x, y: placed.y ?? 0, width, height: LABEL_HEIGHT }
        : { x: middle.x - width / 2, y: middle.y - LABEL_HEIGHT / 2, width, height: LABEL_HEIGHT };
    return [{ tunnel, points, label, drawnLabel: drawTunnelLabel(lines, label.x, label.y, width) }];
  });
}

/**
 * Many sites, one box each, in a grid ordered by site id: hubs on the top row, every other site
 * below. elkjs lays a star of hundreds of sites out as one tall column, which nobody can read.
 * Hub-and-spoke tunnels are drawn as a comb: from the hub down a bus, along the column's trunk,
 * and a short stub into each spoke, so 200 spokes stay legible. Other policies get straight
 * lines while there are few enough to see, and none above GRID_LINES (the tables list them).
 */
function gridPicture(model: Model, links: PictureLinks): string {
  const hubs = new Set(model.vpn.hubs);
  const grid = gridLayout(model.sites, hubs);
  const comb = model.vpn.policy === 'hub-and-spoke';
  const drawLines = comb || model.tunnels.length <= GRID_LINES;
  const tunnels = model.tunnels.flatMap((tunnel) => {
    const a = grid.positions.get(tunnel.a.site);
    const b = grid.positions.get(tunnel.b.site);
    if (!a || !b || !drawLines) return [];
    const aHub = hubs.has(tunnel.a.site);
    const bHub = hubs.has(tunnel.b.site);
    const points = comb && aHub !== bHub ? combPoints(aHub ? a : b, aHub ? b : a) : gridLine(a, b);
    return drawTunnel(tunnel, points, false);
  });
  const sites = grid.ordered.map((site) => {
    const position = grid.positions.get(site.name)!;
    return drawSummary(site, model, position.x, position.y, hubs.has(site.name), links);
  });
  const note = drawLines
    ? ''
    : `<text class="detail" x="18" y="${grid.height - 2}">${model.tunnels.length} tunnels are not drawn; the tunnel table lists them.</text>`;
  const height = grid.height + (note ? 16 : 0);
  const frame = {
    className: 'topology grid',
    viewBox: `0 0 ${grid.width} ${height}`,
    width: grid.width,
    height,
  };
  return drawSvg(model, { ...frame, view: 'sites' }, tunnels.join('') + sites.join('') + note);
}
