// How much detail a page can carry. Above these sizes the site switches to site-level views so
// that pages stay light (a 10,000-server matrix is 100 million cells) and the build stays fast.

/** Up to this many servers, draw every server and show server-by-server matrices. */
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

export interface Scale {
  /** Every server drawn and tabulated on the environment page. */
  detailed: boolean;
  /** Site-by-site matrix on the environment page (when not detailed). */
  siteMatrix: boolean;
  /** One page per generated file, highlighted. */
  highlighted: boolean;
}

export function scaleOf(counts: { sites: number; servers: number; files: number }): Scale {
  return {
    detailed: counts.servers <= DETAILED_SERVERS,
    siteMatrix: counts.sites <= SITE_MATRIX_SITES,
    highlighted: counts.files <= HIGHLIGHTED_FILES,
  };
}

/**
 * Up to this many sites the WAN section draws its site-by-site heatmaps (a scrolling region:
 * 200 sites are 40,000 cells, about 4 MB per heatmap); above it, the section lists the pairs
 * that disagree only.
 */
export const WAN_HEATMAP_SITES = 200;

/** Up to this many sites each heatmap cell carries its source as a tooltip, and the page a table of every pair's sources. */
export const WAN_DETAIL_SITES = SITE_MATRIX_SITES;
