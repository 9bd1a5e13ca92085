// The topology picture: sites as boxes (router on top, servers by segment, coloured by role),
// tunnels as lines between them with their addresses. elkjs places the sites and routes the
// tunnels; this file measures each site box and draws the SVG as a string at build time.
//
// Above DETAILED_SERVERS servers the picture switches to a site-level view: one small box per
// site with its server counts, which stays readable with hundreds of sites.
import type { Model, ModelServer, ModelSite, ModelTunnel } from '@geostage/schema';
import ElkBundled from 'elkjs/lib/elk.bundled.js';
import type {
  ELK as ElkLayouter,
  ELKConstructorArguments,
  ElkExtendedEdge,
  ElkNode,
  ElkPoint,
} from 'elkjs/lib/elk-api.js';

type ElkConstructor = new (args?: ELKConstructorArguments) => ElkLayouter;
// elkjs is CommonJS whose types declare an ES default export: under NodeNext the default import
// is the module object, under Vite the constructor. Take the constructor either way.
const ELK = ((ElkBundled as unknown as { default?: ElkConstructor }).default ??
  ElkBundled) as unknown as ElkConstructor;

export interface PictureLinks {
  device(name: string): string;
  site(name: string): string;
}

const PAD = 12;
const HEADER = 26;
const ROUTER = { width: 196, height: 40 };
const SERVER = { width: 136, height: 52 };
const GAP = 8;
const SEGMENT_LABEL = 20;
const COLUMNS = 3;
const SUMMARY = { width: 176, height: 50 };
const CHAR = 6.6;

/** Role colours; a legend under the picture names them (colour is never the only cue: the text says the role). */
export const ROLE_CLASS: Record<string, string> = {
  'load-balancer': 'role-lb',
  'control-plane': 'role-cp',
  worker: 'role-worker',
};

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function roleLabel(server: ModelServer): string {
  return server.roles
    .map((role) =>
      role === 'control-plane' ? 'control plane' : role === 'load-balancer' ? 'load balancer' : role,
    )
    .join(', ');
}

function primaryRole(server: ModelServer): string {
  if (server.roles.includes('load-balancer')) return 'load-balancer';
  if (server.roles.includes('control-plane')) return 'control-plane';
  return 'worker';
}

interface SiteBox {
  site: ModelSite;
  width: number;
  height: number;
  /** Segment rows: label and the servers in it. */
  segments: { label: string; servers: ModelServer[] }[];
}

function measureSite(site: ModelSite, servers: ModelServer[]): SiteBox {
  const segments = site.segments.map((segment) => ({
    label: `${segment.name}${segment.vlan !== null ? ` · VLAN ${segment.vlan}` : ''} · ${segment.prefix}`,
    servers: servers.filter((server) => server.segment === segment.name),
  }));
  const columns = Math.min(COLUMNS, Math.max(1, ...segments.map((segment) => segment.servers.length)));
  const serversWidth = columns * SERVER.width + (columns - 1) * GAP;
  const labelWidth = Math.max(...segments.map((segment) => segment.label.length * CHAR));
  const width = Math.ceil(Math.max(ROUTER.width, serversWidth, labelWidth) + 2 * PAD);
  let height = HEADER + ROUTER.height + GAP;
  for (const segment of segments) {
    const rows = Math.max(1, Math.ceil(segment.servers.length / COLUMNS));
    height += SEGMENT_LABEL + rows * SERVER.height + (rows - 1) * GAP + GAP;
  }
  return { site, width, height: height + PAD - GAP, segments };
}

function tunnelLabel(tunnel: ModelTunnel): string[] {
  return [`${tunnel.a.address} ⇄ ${tunnel.b.address}`, `${tunnel.a.interface} · ${tunnel.b.interface}`];
}

/** Above this many sites the site-level view is a grid, not an elkjs layout (see gridPicture). */
export const GRID_SITES = 24;
/** Above this many tunnels a grid picture draws no lines between spokes: the tables list them. */
const GRID_LINES = 300;

/** Draws the picture; async because elkjs lays out asynchronously. */
export async function topologyPicture(model: Model, detailed: boolean, links: PictureLinks): Promise<string> {
  if (!detailed && model.sites.length > GRID_SITES) return gridPicture(model, links);
  const hubs = new Set(model.vpn.hubs);
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
  const labelled = detailed || model.tunnels.length <= 12;
  // Hub-and-spoke reads best as a tree: hubs in the first layer, spokes beside them.
  // Small meshes read best as a ring, which the stress layout gives.
  const mesh = model.vpn.policy !== 'hub-and-spoke' && model.sites.length <= 12;
  // Stress treats nodes as points: ask for edges long enough to clear the boxes and the label.
  const largest = Math.max(
    SUMMARY.width,
    ...[...boxes.values()].map((box) => (box ? Math.hypot(box.width, box.height) : 0)),
  );
  const graph: ElkNode = {
    id: 'root',
    layoutOptions: mesh
      ? { 'elk.algorithm': 'stress', 'elk.stress.desiredEdgeLength': String(Math.round(largest + 60)) }
      : {
          'elk.algorithm': 'layered',
          'elk.direction': 'RIGHT',
          'elk.edgeRouting': 'POLYLINE',
          'elk.spacing.nodeNode': '24',
          'elk.layered.spacing.nodeNodeBetweenLayers': labelled ? '90' : '60',
          'elk.layered.spacing.edgeNodeBetweenLayers': '20',
          'elk.edgeLabels.placement': 'CENTER',
        },
    children: model.sites.map((site) => {
      const box = boxes.get(site.name);
      return { id: site.name, width: box?.width ?? SUMMARY.width, height: box?.height ?? SUMMARY.height };
    }),
    edges: model.tunnels.map((tunnel) => {
      // Edges point away from the hub so the layered layout puts hubs first.
      const reversed = hubs.has(tunnel.b.site) && !hubs.has(tunnel.a.site);
      const lines = tunnelLabel(tunnel);
      return {
        id: tunnel.name,
        sources: [reversed ? tunnel.b.site : tunnel.a.site],
        targets: [reversed ? tunnel.a.site : tunnel.b.site],
        labels: labelled
          ? [
              {
                text: lines.join('\n'),
                width: Math.max(...lines.map((line) => line.length)) * CHAR + 12,
                height: 34,
              },
            ]
          : [],
      };
    }),
  };
  const elk = new ELK();
  const laid = await elk.layout(graph);
  const positions = new Map((laid.children ?? []).map((node) => [node.id, node] as const));
  const edges = new Map(((laid.edges ?? []) as ElkExtendedEdge[]).map((edge) => [edge.id, edge] as const));

  // Straight lines (stress) need their ends clipped to the boxes; labels then sit at the middle.
  const bounds = { minX: 0, minY: 0, maxX: 0, maxY: 0 };
  const grow = (x: number, y: number, width = 0, height = 0) => {
    bounds.minX = Math.min(bounds.minX, x);
    bounds.minY = Math.min(bounds.minY, y);
    bounds.maxX = Math.max(bounds.maxX, x + width);
    bounds.maxY = Math.max(bounds.maxY, y + height);
  };
  for (const node of positions.values()) grow(node.x ?? 0, node.y ?? 0, node.width ?? 0, node.height ?? 0);

  const tunnelParts: string[] = [];
  const labelParts: string[] = [];
  for (const tunnel of model.tunnels) {
    const edge = edges.get(tunnel.name);
    const from = positions.get(tunnel.a.site);
    const to = positions.get(tunnel.b.site);
    if (!edge || !from || !to) continue;
    const section = edge.sections?.[0];
    let points: ElkPoint[];
    if (section) points = [section.startPoint, ...(section.bendPoints ?? []), section.endPoint];
    else points = [clip(center(from), center(to), from), clip(center(to), center(from), to)];
    const path = points
      .map((point, index) => `${index === 0 ? 'M' : 'L'}${round(point.x)} ${round(point.y)}`)
      .join(' ');
    const title = `Tunnel ${tunnel.name}, ${tunnel.subnet}: ${tunnel.a.router} ${tunnel.a.interface} ${tunnel.a.address} (udp ${tunnel.a.port}) to ${tunnel.b.router} ${tunnel.b.interface} ${tunnel.b.address} (udp ${tunnel.b.port})`;
    tunnelParts.push(
      `<g class="tunnel" data-tunnel="${escapeXml(tunnel.name)}"><title>${escapeXml(title)}</title><path d="${path}"/></g>`,
    );
    if (!labelled) continue;
    const label = edge.labels?.[0];
    const lines = tunnelLabel(tunnel);
    const width = Math.max(...lines.map((line) => line.length)) * CHAR + 12;
    let x: number;
    let y: number;
    if (label && label.x !== undefined && section) {
      x = label.x;
      y = label.y ?? 0;
    } else {
      const middle = midpoint(points);
      x = middle.x - width / 2;
      y = middle.y - 17;
    }
    grow(x, y, width, 34);
    labelParts.push(
      `<g class="tunnel-label" aria-hidden="true"><rect x="${round(x)}" y="${round(y)}" width="${round(width)}" height="34" rx="4"/>` +
        lines
          .map(
            (line, index) =>
              `<text x="${round(x + width / 2)}" y="${round(y + 14 + index * 14)}">${escapeXml(line)}</text>`,
          )
          .join('') +
        '</g>',
    );
  }

  const siteParts: string[] = [];
  for (const site of model.sites) {
    const node = positions.get(site.name);
    if (!node) continue;
    const box = boxes.get(site.name) ?? null;
    siteParts.push(
      box
        ? drawSite(box, node.x ?? 0, node.y ?? 0, hubs.has(site.name), links)
        : drawSummary(site, model, node.x ?? 0, node.y ?? 0, hubs.has(site.name), links),
    );
  }

  const margin = 8;
  const width = Math.ceil(bounds.maxX - bounds.minX + 2 * margin);
  const height = Math.ceil(bounds.maxY - bounds.minY + 2 * margin);
  const viewBox = `${round(bounds.minX - margin)} ${round(bounds.minY - margin)} ${width} ${height}`;
  const description = `${model.sites.length} sites joined by ${model.tunnels.length} tunnels (${model.vpn.policy}${hubs.size ? `, hub ${[...hubs].join(', ')}` : ''}), ${model.servers.length} servers.`;
  return (
    `<svg class="topology" xmlns="http://www.w3.org/2000/svg" viewBox="${viewBox}" width="${width}" height="${height}" role="group" aria-labelledby="topology-title" data-sites="${model.sites.length}" data-tunnels="${model.tunnels.length}" data-view="${detailed ? 'servers' : 'sites'}">` +
    `<title id="topology-title">Topology of ${escapeXml(model.name)}: ${escapeXml(description)}</title>` +
    tunnelParts.join('') +
    siteParts.join('') +
    labelParts.join('') +
    '</svg>'
  );
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
  const bySite = new Map(model.sites.map((site) => [site.name, site] as const));
  const ordered = [...model.sites].sort((a, b) => a.id - b.id);
  const hubSites = ordered.filter((site) => hubs.has(site.name));
  const others = ordered.filter((site) => !hubs.has(site.name));
  // At most six columns: about 1,270 px, the width of a laptop window, so only phones scroll sideways.
  const columns = Math.max(4, Math.min(6, Math.ceil(Math.sqrt(others.length * 1.6))));
  const cellWidth = SUMMARY.width + 36;
  const cellHeight = SUMMARY.height + 18;
  const gridWidth = columns * cellWidth;
  const top = hubSites.length > 0 ? SUMMARY.height + 48 : 0;
  const positions = new Map<string, { x: number; y: number }>();
  hubSites.forEach((site, index) => {
    const rowWidth = hubSites.length * cellWidth;
    positions.set(site.name, { x: (gridWidth - rowWidth) / 2 + index * cellWidth + 18, y: 0 });
  });
  others.forEach((site, index) => {
    positions.set(site.name, {
      x: (index % columns) * cellWidth + 18,
      y: top + Math.floor(index / columns) * cellHeight,
    });
  });

  const busY = SUMMARY.height + 24;
  const tunnelParts: string[] = [];
  const comb = model.vpn.policy === 'hub-and-spoke';
  const drawLines = comb || model.tunnels.length <= GRID_LINES;
  for (const tunnel of model.tunnels) {
    const a = positions.get(tunnel.a.site);
    const b = positions.get(tunnel.b.site);
    if (!a || !b || !drawLines) continue;
    let path: string;
    const aHub = hubs.has(tunnel.a.site);
    const bHub = hubs.has(tunnel.b.site);
    if (comb && aHub !== bHub) {
      const hub = aHub ? a : b;
      const spoke = aHub ? b : a;
      const trunkX = spoke.x - 9;
      const hubX = hub.x + SUMMARY.width / 2;
      path =
        `M${round(hubX)} ${SUMMARY.height} L${round(hubX)} ${busY} L${round(trunkX)} ${busY} ` +
        `L${round(trunkX)} ${round(spoke.y + SUMMARY.height / 2)} L${round(spoke.x)} ${round(spoke.y + SUMMARY.height / 2)}`;
    } else {
      const from = { x: a.x + SUMMARY.width / 2, y: a.y + SUMMARY.height / 2 };
      const to = { x: b.x + SUMMARY.width / 2, y: b.y + SUMMARY.height / 2 };
      path = `M${round(from.x)} ${round(from.y)} L${round(to.x)} ${round(to.y)}`;
    }
    const title = `Tunnel ${tunnel.name}, ${tunnel.subnet}: ${tunnel.a.router} ${tunnel.a.interface} ${tunnel.a.address} to ${tunnel.b.router} ${tunnel.b.interface} ${tunnel.b.address}`;
    tunnelParts.push(
      `<g class="tunnel" data-tunnel="${escapeXml(tunnel.name)}"><title>${escapeXml(title)}</title><path d="${path}"/></g>`,
    );
  }
  const siteParts = ordered.map((site) => {
    const position = positions.get(site.name)!;
    return drawSummary(bySite.get(site.name)!, model, position.x, position.y, hubs.has(site.name), links);
  });
  const rows = Math.ceil(others.length / columns);
  const width = Math.ceil(gridWidth + 16);
  const height = Math.ceil(top + rows * cellHeight + 8);
  const note = drawLines
    ? ''
    : `<text class="detail" x="18" y="${height - 2}">${model.tunnels.length} tunnels are not drawn; the tunnel table lists them.</text>`;
  const description = `${model.sites.length} sites joined by ${model.tunnels.length} tunnels (${model.vpn.policy}${hubs.size ? `, hub ${[...hubs].join(', ')}` : ''}), ${model.servers.length} servers.`;
  return (
    `<svg class="topology grid" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height + (note ? 16 : 0)}" width="${width}" height="${height + (note ? 16 : 0)}" role="group" aria-labelledby="topology-title" data-sites="${model.sites.length}" data-tunnels="${model.tunnels.length}" data-view="sites">` +
    `<title id="topology-title">Topology of ${escapeXml(model.name)}: ${escapeXml(description)}</title>` +
    tunnelParts.join('') +
    siteParts.join('') +
    note +
    '</svg>'
  );
}

function drawSite(box: SiteBox, x: number, y: number, hub: boolean, links: PictureLinks): string {
  const { site } = box;
  const parts: string[] = [];
  parts.push(
    `<g class="site${hub ? ' hub' : ''}" data-site="${escapeXml(site.name)}" transform="translate(${round(x)} ${round(y)})">`,
    `<rect class="site-box" width="${box.width}" height="${box.height}" rx="8"/>`,
    `<a href="${escapeXml(links.site(site.name))}"><text class="site-name" x="${PAD}" y="18">${escapeXml(site.name)}${hub ? ' (hub)' : ''}${site.region !== site.name ? ` · ${escapeXml(site.region)}` : ''}</text></a>`,
  );
  const router = site.router;
  const routerX = (box.width - ROUTER.width) / 2;
  const release = router.os === 'vyos' ? `VyOS ${router.release}` : `Linux ${router.release}`;
  parts.push(
    `<a href="${escapeXml(links.device(router.name))}" data-device="${escapeXml(router.name)}" data-kind="router">`,
    `<g class="router" transform="translate(${round(routerX)} ${HEADER})"><rect width="${ROUTER.width}" height="${ROUTER.height}" rx="6"/>`,
    `<text class="name" x="${ROUTER.width / 2}" y="16">${escapeXml(router.name)}</text>`,
    `<text class="detail" x="${ROUTER.width / 2}" y="31">${escapeXml(release)} · ${escapeXml(router.wan.host)}${router.wan.nat ? ' · NAT' : ''}</text></g></a>`,
  );
  let top = HEADER + ROUTER.height + GAP;
  for (const segment of box.segments) {
    parts.push(`<text class="segment" x="${PAD}" y="${top + 14}">${escapeXml(segment.label)}</text>`);
    top += SEGMENT_LABEL;
    segment.servers.forEach((server, index) => {
      const column = index % COLUMNS;
      const row = Math.floor(index / COLUMNS);
      const sx = PAD + column * (SERVER.width + GAP);
      const sy = top + row * (SERVER.height + GAP);
      const role = primaryRole(server);
      parts.push(
        `<a href="${escapeXml(links.device(server.name))}" data-device="${escapeXml(server.name)}" data-kind="server">`,
        `<g class="server ${ROLE_CLASS[role]}" transform="translate(${sx} ${sy})"><rect width="${SERVER.width}" height="${SERVER.height}" rx="5"/><rect class="stripe" width="6" height="${SERVER.height}" rx="2"/>`,
        `<text class="name" x="14" y="16">${escapeXml(server.name)}</text>`,
        `<text class="detail" x="14" y="30">${escapeXml(server.address)}</text>`,
        `<text class="role" x="14" y="44">${escapeXml(roleLabel(server))}</text></g></a>`,
      );
    });
    const rows = Math.max(1, Math.ceil(segment.servers.length / COLUMNS));
    top += rows * SERVER.height + (rows - 1) * GAP + GAP;
  }
  parts.push('</g>');
  return parts.join('');
}

function drawSummary(
  site: ModelSite,
  model: Model,
  x: number,
  y: number,
  hub: boolean,
  links: PictureLinks,
): string {
  let servers = 0;
  let controlPlanes = 0;
  let workers = 0;
  for (const server of model.servers) {
    if (server.site !== site.name) continue;
    servers += 1;
    if (server.roles.includes('control-plane')) controlPlanes += 1;
    if (server.roles.includes('worker')) workers += 1;
  }
  const counts = `${servers} servers · ${controlPlanes} cp · ${workers} w`;
  return (
    `<a href="${escapeXml(links.site(site.name))}">` +
    `<g class="site summary${hub ? ' hub' : ''}" data-site="${escapeXml(site.name)}" transform="translate(${round(x)} ${round(y)})">` +
    `<rect class="site-box" width="${SUMMARY.width}" height="${SUMMARY.height}" rx="8"/>` +
    `<text class="site-name" x="10" y="20">${escapeXml(site.name)}${hub ? ' (hub)' : ''}</text>` +
    `<text class="detail" x="10" y="38">${escapeXml(counts)}</text></g></a>`
  );
}

function center(node: ElkNode): ElkPoint {
  return { x: (node.x ?? 0) + (node.width ?? 0) / 2, y: (node.y ?? 0) + (node.height ?? 0) / 2 };
}

/** Where the segment from `inside` (a box centre) towards `outside` leaves the box. */
function clip(inside: ElkPoint, outside: ElkPoint, node: ElkNode): ElkPoint {
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

function midpoint(points: ElkPoint[]): ElkPoint {
  const first = points[0]!;
  const last = points[points.length - 1]!;
  return { x: (first.x + last.x) / 2, y: (first.y + last.y) / 2 };
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
