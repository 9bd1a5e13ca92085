// How a forwarding route names the sites it covers, in comments and descriptions of every
// router flavour: merged prefixes can cover many sites, so long lists are cut short.

/** `site2`, or `site3, site4 and 12 more` for a prefix merged over many sites. */
export function namedSites(sites: readonly string[]): string {
  return sites.length <= 3
    ? sites.join(', ')
    : `${sites.slice(0, 2).join(', ')} and ${sites.length - 2} more`;
}

/** The far end the route passes through, or null when it is the one site the route reaches. */
export function throughSite(sites: readonly string[], via: string): string | null {
  return sites.length === 1 && sites[0] === via ? null : via;
}

/** `site2`, `site2, through site1`, or `site3, site4 and 12 more, through site1`. */
export function describeSites(sites: readonly string[], via: string): string {
  const through = throughSite(sites, via);
  return through === null ? namedSites(sites) : `${namedSites(sites)}, through ${through}`;
}
