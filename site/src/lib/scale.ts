// How much detail a page can carry, and which pages exist. Above these sizes the site switches to
// site-level views and fewer pages so that pages stay light (a 10,000-server matrix is 100
// million cells) and the build stays linear in the environment. The one owner of these
// thresholds: pages ask the environment's Scale, and the environment page says what is left out.

/** Up to this many servers, draw every server, give each a page and show server-by-server matrices. */
export const DETAILED_SERVERS = 60;

/** Up to this many sites, show a site-by-site matrix; above it, one summary row per site. */
export const SITE_MATRIX_SITES = 40;

/**
 * Up to this many generated files, every file gets its own syntax-highlighted page (Shiki).
 * Above it, only router and cluster-wide files get pages, in plain <pre> (no highlighting),
 * and each server's files are shown on its site's page: Shiki costs milliseconds per file,
 * which a 10,000-server environment cannot afford within a one-minute build.
 */
export const HIGHLIGHTED_FILES = 400;

/**
 * Up to this many segments the site computes reachability (@geostage/reach, or the Model's
 * intent without generated/network). Its cost is the square of the segments (one server group
 * each): 1,000 segments are a million group pairs and seconds; 10,000 would be 10^8 pairs.
 */
export const REACHABILITY_SEGMENTS = 1_000;

/**
 * Up to this many sites every router has a page of its own and every generated file's content
 * is on the site (router and cluster-wide files on pages of their own, server files on their
 * site's page). Above it a site's page is the finest page: it carries its router, and the
 * generated files are listed (path, bytes, SHA-256), not read: at 10,000 sites they are
 * gigabytes, mostly routes to every other site.
 */
export const DEVICE_PAGE_SITES = 1_000;

/**
 * Up to this many sites the environment page draws its topology picture (a grid of site boxes
 * above 24 sites: 1,000 sites are 13,000 px tall; 10,000 would be 130,000).
 */
export const PICTURE_SITES = 1_000;

/** Up to this many sites a router's page lists its route to every remote LAN; above, its configured (merged) routes. */
export const ROUTE_TABLE_SITES = SITE_MATRIX_SITES;

/**
 * Up to this many sites the WAN section draws its site-by-site heatmaps (a scrolling region:
 * 200 sites are 40,000 cells, about 4 MB per heatmap); above it, the section lists the pairs
 * that disagree only.
 */
export const WAN_HEATMAP_SITES = 200;

/** Up to this many sites each heatmap cell carries its source as a tooltip, and the page a table of every pair's sources. */
export const WAN_DETAIL_SITES = SITE_MATRIX_SITES;

export interface Scale {
  /** Every server drawn, tabulated and given a page. */
  detailed: boolean;
  /** Site-by-site matrix on the environment page (when not detailed). */
  siteMatrix: boolean;
  /** One page per generated file, highlighted. */
  highlighted: boolean;
  /** Reachability computed and shown. */
  reachability: boolean;
  /** Router pages, and generated files read and shown. */
  devicePages: boolean;
  /** The topology picture on the environment page. */
  picture: boolean;
  /** A router's page lists a route per remote LAN. */
  routeTable: boolean;
  /** WAN heatmaps site by site. */
  wanHeatmaps: boolean;
  /** WAN heatmap tooltips and the table of every site pair's sources. */
  wanDetail: boolean;
}

export interface Counts {
  sites: number;
  servers: number;
  segments: number;
  files: number;
}

export function scaleOf(counts: Counts): Scale {
  return {
    detailed: counts.servers <= DETAILED_SERVERS,
    siteMatrix: counts.sites <= SITE_MATRIX_SITES,
    highlighted: counts.files <= HIGHLIGHTED_FILES,
    reachability: counts.segments <= REACHABILITY_SEGMENTS,
    devicePages: counts.sites <= DEVICE_PAGE_SITES,
    picture: counts.sites <= PICTURE_SITES,
    routeTable: counts.sites <= ROUTE_TABLE_SITES,
    wanHeatmaps: counts.sites <= WAN_HEATMAP_SITES,
    wanDetail: counts.sites <= WAN_DETAIL_SITES,
  };
}

/** One thing the site leaves out at this size: what, why, and where to get it instead. */
export interface Omission {
  id: keyof Scale;
  left: string;
  instead: string;
  /** A command that gives what is left out, when there is one. */
  command?: string;
}

const count = (value: number) => value.toLocaleString('en-US');

/**
 * What the pages of an environment of this size leave out, for its page to say so; empty for
 * small environments. `wan`: whether the environment has a WAN section.
 */
export function omissions(
  env: string,
  counts: Counts,
  wan: boolean,
  scale: Scale = scaleOf(counts),
): Omission[] {
  const left: Omission[] = [];
  if (!scale.picture)
    left.push({
      id: 'picture',
      left: `No topology picture (${count(counts.sites)} sites; up to ${count(PICTURE_SITES)}).`,
      instead: `The sites table lists every site with its router and segments${wan ? ', and the WAN map places them' : ''}.`,
    });
  if (!scale.detailed)
    left.push({
      id: 'detailed',
      left: `Servers have no pages of their own, and the picture and reachability are by site, not by server (${count(counts.servers)} servers; server detail up to ${count(DETAILED_SERVERS)}).`,
      instead: "Each server's addresses, roles and files are on its site's page.",
    });
  if (!scale.siteMatrix && scale.reachability)
    left.push({
      id: 'siteMatrix',
      left: `Reachability is one summary row per site, not a site-by-site matrix (${count(counts.sites)} sites; up to ${count(SITE_MATRIX_SITES)}).`,
      instead: "Each site's page lists the sites it does not fully reach.",
    });
  if (!scale.reachability)
    left.push({
      id: 'reachability',
      left: `Reachability is not computed (${count(counts.segments)} segments are ${count(counts.segments * counts.segments)} segment pairs; the site computes it up to ${count(REACHABILITY_SEGMENTS)} segments).`,
      instead:
        'Compute it from the generated files with reach: the matrix by server group, or the JSON document.',
      command: `geostage reach ${env} --format json --output reachability.json`,
    });
  if (!scale.devicePages)
    left.push({
      id: 'devicePages',
      left: `Routers have no pages of their own and generated files are listed, not shown (${count(counts.sites)} sites; up to ${count(DEVICE_PAGE_SITES)}).`,
      instead: `Each site's page has its router's interfaces and lists its files with their size and SHA-256; the files themselves, with each router's routes, are in environments/${env}/generated/.`,
    });
  else if (!scale.highlighted)
    left.push({
      id: 'highlighted',
      left: `Generated files are shown as plain text, not highlighted (${count(counts.files)} files; up to ${count(HIGHLIGHTED_FILES)}).`,
      instead:
        "Router and cluster-wide files have pages of their own; a server's files are on its site's page.",
    });
  if (scale.devicePages && !scale.routeTable)
    left.push({
      id: 'routeTable',
      left: `A router's page lists its configured routes, not one route per remote LAN (${count(counts.sites)} sites; up to ${count(ROUTE_TABLE_SITES)}).`,
      instead:
        "Each configured route names the sites whose LANs it covers; the router's config file has every line.",
    });
  if (wan && !scale.wanHeatmaps)
    left.push({
      id: 'wanHeatmaps',
      left: `No WAN heatmaps (${count(counts.sites)} sites; up to ${count(WAN_HEATMAP_SITES)}).`,
      instead: 'The map and the pairs measured differently from the Model are listed.',
    });
  return left;
}
