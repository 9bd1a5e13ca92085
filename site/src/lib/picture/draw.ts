// The topology picture's markup: each piece (site box, summary box, tunnel, tunnel label, the
// svg element) drawn as an SVG string from positions geometry.ts computed.
import type { Model, ModelServer, ModelSite, ModelTunnel } from '@geostage/schema';
import {
  HEADER,
  LABEL_HEIGHT,
  PAD,
  type Point,
  ROUTER,
  round,
  SERVER,
  type SiteBox,
  SUMMARY,
} from './geometry.ts';

export interface PictureLinks {
  device(name: string): string;
  site(name: string): string;
}

/** Role colours; a legend under the picture names them (colour is never the only cue: the text says the role). */
export const ROLE_CLASS: Record<string, string> = {
  'load-balancer': 'role-lb',
  'control-plane': 'role-cp',
  worker: 'role-worker',
};

export function escapeXml(text: string): string {
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

/** The two lines on a tunnel: its addresses, then its interfaces. */
export function tunnelLabelLines(tunnel: ModelTunnel): string[] {
  return [`${tunnel.a.address} ⇄ ${tunnel.b.address}`, `${tunnel.a.interface} · ${tunnel.b.interface}`];
}

/** A tunnel's tooltip; the detailed layouts name the UDP ports too. */
export function tunnelTitle(tunnel: ModelTunnel, ports: boolean): string {
  const end = (side: ModelTunnel['a']) =>
    `${side.router} ${side.interface} ${side.address}${ports ? ` (udp ${side.port})` : ''}`;
  return `Tunnel ${tunnel.name}, ${tunnel.subnet}: ${end(tunnel.a)} to ${end(tunnel.b)}`;
}

/** SVG path data through the points, each coordinate to one decimal. */
export function pathData(points: readonly Point[]): string {
  return points
    .map((point, index) => `${index === 0 ? 'M' : 'L'}${round(point.x)} ${round(point.y)}`)
    .join(' ');
}

export function drawTunnel(tunnel: ModelTunnel, points: readonly Point[], ports: boolean): string {
  return `<g class="tunnel" data-tunnel="${escapeXml(tunnel.name)}"><title>${escapeXml(tunnelTitle(tunnel, ports))}</title><path d="${pathData(points)}"/></g>`;
}

export function drawTunnelLabel(lines: readonly string[], x: number, y: number, width: number): string {
  return (
    `<g class="tunnel-label" aria-hidden="true"><rect x="${round(x)}" y="${round(y)}" width="${round(width)}" height="${LABEL_HEIGHT}" rx="4"/>` +
    lines
      .map(
        (line, index) =>
          `<text x="${round(x + width / 2)}" y="${round(y + 14 + index * 14)}">${escapeXml(line)}</text>`,
      )
      .join('') +
    '</g>'
  );
}

function drawRouter(site: ModelSite, x: number, links: PictureLinks): string {
  const router = site.router;
  const release = router.os === 'vyos' ? `VyOS ${router.release}` : `Linux ${router.release}`;
  return (
    `<a href="${escapeXml(links.device(router.name))}" data-device="${escapeXml(router.name)}" data-kind="router">` +
    `<g class="router" transform="translate(${round(x)} ${HEADER})"><rect width="${ROUTER.width}" height="${ROUTER.height}" rx="6"/>` +
    `<text class="name" x="${ROUTER.width / 2}" y="16">${escapeXml(router.name)}</text>` +
    `<text class="detail" x="${ROUTER.width / 2}" y="31">${escapeXml(release)} · ${escapeXml(router.wan.host)}${router.wan.nat ? ' · NAT' : ''}</text></g></a>`
  );
}

function drawServer(server: ModelServer, x: number, y: number, links: PictureLinks): string {
  return (
    `<a href="${escapeXml(links.device(server.name))}" data-device="${escapeXml(server.name)}" data-kind="server">` +
    `<g class="server ${ROLE_CLASS[primaryRole(server)]}" transform="translate(${x} ${y})"><rect width="${SERVER.width}" height="${SERVER.height}" rx="5"/><rect class="stripe" width="6" height="${SERVER.height}" rx="2"/>` +
    `<text class="name" x="14" y="16">${escapeXml(server.name)}</text>` +
    `<text class="detail" x="14" y="30">${escapeXml(server.address)}</text>` +
    `<text class="role" x="14" y="44">${escapeXml(roleLabel(server))}</text></g></a>`
  );
}

/** A site of the detailed view: its box, name, router, and each segment with its servers. */
export function drawSite(box: SiteBox, x: number, y: number, hub: boolean, links: PictureLinks): string {
  const { site } = box;
  const parts = [
    `<g class="site${hub ? ' hub' : ''}" data-site="${escapeXml(site.name)}" transform="translate(${round(x)} ${round(y)})">`,
    `<rect class="site-box" width="${box.width}" height="${box.height}" rx="8"/>`,
    `<a href="${escapeXml(links.site(site.name))}"><text class="site-name" x="${PAD}" y="18">${escapeXml(site.name)}${hub ? ' (hub)' : ''}${site.region !== site.name ? ` · ${escapeXml(site.region)}` : ''}</text></a>`,
    drawRouter(site, box.routerX, links),
  ];
  for (const segment of box.segments) {
    parts.push(`<text class="segment" x="${PAD}" y="${segment.labelY}">${escapeXml(segment.label)}</text>`);
    for (const placed of segment.servers) parts.push(drawServer(placed.server, placed.x, placed.y, links));
  }
  parts.push('</g>');
  return parts.join('');
}

interface ServerCounts {
  servers: number;
  controlPlanes: number;
  workers: number;
}

const countsOf = new WeakMap<Model, Map<string, ServerCounts>>();

/** Servers per site, counted once per Model rather than once per box (sites × servers). */
function serverCounts(model: Model): Map<string, ServerCounts> {
  const cached = countsOf.get(model);
  if (cached) return cached;
  const counts = new Map<string, ServerCounts>();
  for (const server of model.servers) {
    let count = counts.get(server.site);
    if (!count) {
      count = { servers: 0, controlPlanes: 0, workers: 0 };
      counts.set(server.site, count);
    }
    count.servers += 1;
    if (server.roles.includes('control-plane')) count.controlPlanes += 1;
    if (server.roles.includes('worker')) count.workers += 1;
  }
  countsOf.set(model, counts);
  return counts;
}

/** A site of the site-level view: one small box with its server counts. */
export function drawSummary(
  site: ModelSite,
  model: Model,
  x: number,
  y: number,
  hub: boolean,
  links: PictureLinks,
): string {
  const { servers, controlPlanes, workers } = serverCounts(model).get(site.name) ?? {
    servers: 0,
    controlPlanes: 0,
    workers: 0,
  };
  const counts = `${servers} servers · ${controlPlanes} cp · ${workers} w`;
  return (
    `<a href="${escapeXml(links.site(site.name))}">` +
    `<g class="site summary${hub ? ' hub' : ''}" data-site="${escapeXml(site.name)}" transform="translate(${round(x)} ${round(y)})">` +
    `<rect class="site-box" width="${SUMMARY.width}" height="${SUMMARY.height}" rx="8"/>` +
    `<text class="site-name" x="10" y="20">${escapeXml(site.name)}${hub ? ' (hub)' : ''}</text>` +
    `<text class="detail" x="10" y="38">${escapeXml(counts)}</text></g></a>`
  );
}

export interface SvgFrame {
  className: string;
  viewBox: string;
  width: number;
  height: number;
  view: 'servers' | 'sites';
}

/** The svg element around the drawn parts, titled with one sentence describing the topology. */
export function drawSvg(model: Model, frame: SvgFrame, body: string): string {
  const hubs = [...new Set(model.vpn.hubs)];
  const description = `${model.sites.length} sites joined by ${model.tunnels.length} tunnels (${model.vpn.policy}${hubs.length ? `, hub ${hubs.join(', ')}` : ''}), ${model.servers.length} servers.`;
  return (
    `<svg class="${frame.className}" xmlns="http://www.w3.org/2000/svg" viewBox="${frame.viewBox}" width="${frame.width}" height="${frame.height}" role="group" aria-labelledby="topology-title" data-sites="${model.sites.length}" data-tunnels="${model.tunnels.length}" data-view="${frame.view}">` +
    `<title id="topology-title">Topology of ${escapeXml(model.name)}: ${escapeXml(description)}</title>` +
    body +
    '</svg>'
  );
}
