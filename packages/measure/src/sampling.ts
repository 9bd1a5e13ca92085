// A sampled verify: the server pairs grow as the square of the servers, so a large lab is
// measured on N site pairs chosen with a seed. Pure: the same sites, N and seed give the same
// sample. The first site pairs form a matching over a seeded shuffle of the sites (every site
// in one pair when N >= sites/2); the rest are drawn at random, never a pair twice. Each
// sampled site pair is measured both ways between all its servers, and each site the sample
// touches also measures its own server pairs (its LAN and firewall, a few pairs per site).
import { seededRandom } from '@geostage/schema';

export interface SampledServer {
  name: string;
  site: string;
}

export interface Sample<Server extends SampledServer> {
  /** The sampled site pairs, each [a, b] with a before b in the sites' order. */
  sitePairs: [string, string][];
  /** Every site pair there is: sites x (sites - 1) / 2. */
  totalSitePairs: number;
  /** Every ordered server pair there is. */
  totalPairs: number;
  /** The ordered server pairs to measure, in the servers' order, each once. */
  pairs: [Server, Server][];
}

function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    [copy[index], copy[other]] = [copy[other]!, copy[index]!];
  }
  return copy;
}

/** N distinct site pairs of `sites` (in their order), covering every site when N >= sites/2. */
export function sampleSitePairs(sites: readonly string[], count: number, seed: number): [string, string][] {
  const order = new Map(sites.map((site, index) => [site, index]));
  const total = (sites.length * (sites.length - 1)) / 2;
  const wanted = Math.min(count, total);
  const random = seededRandom(seed);
  const chosen = new Map<string, [string, string]>();
  const add = (a: string, b: string) => {
    const pair: [string, string] = order.get(a)! < order.get(b)! ? [a, b] : [b, a];
    const key = `${pair[0]}\u0000${pair[1]}`;
    if (a === b || chosen.has(key)) return;
    chosen.set(key, pair);
  };
  // A matching over a shuffle: ceil(sites/2) pairs, every site in one (an odd one out joins the first).
  const cover = shuffled(sites, random);
  for (let index = 0; index < cover.length && chosen.size < wanted; index += 2)
    add(cover[index]!, cover[index + 1] ?? cover[0]!);
  if (wanted - chosen.size > total / 2) {
    // Most of them: shuffle what is left and take the first.
    const rest: [string, string][] = [];
    for (let a = 0; a < sites.length; a++)
      for (let b = a + 1; b < sites.length; b++) rest.push([sites[a]!, sites[b]!]);
    for (const [a, b] of shuffled(rest, random)) {
      if (chosen.size >= wanted) break;
      add(a, b);
    }
  } else {
    // Few of many: draw until enough distinct ones (at least half are new on every draw).
    while (chosen.size < wanted) {
      const a = Math.floor(random() * sites.length);
      const b = Math.floor(random() * sites.length);
      add(sites[a]!, sites[b]!);
    }
  }
  return [...chosen.values()].sort(
    ([a1, b1], [a2, b2]) => order.get(a1)! - order.get(a2)! || order.get(b1)! - order.get(b2)!,
  );
}

/** The sample's ordered server pairs: both ways across each site pair, and each touched site's own. */
export function sampleServerPairs<Server extends SampledServer>(
  servers: readonly Server[],
  count: number,
  seed: number,
): Sample<Server> {
  const sites = [...new Set(servers.map((server) => server.site))];
  const sitePairs = sampleSitePairs(sites, count, seed);
  const partners = new Map<string, Set<string>>();
  for (const [a, b] of sitePairs) {
    for (const [site, other] of [
      [a, b],
      [b, a],
      [a, a],
      [b, b],
    ] as const) {
      partners.set(site, (partners.get(site) ?? new Set()).add(other));
    }
  }
  const bySite = new Map<string, Server[]>();
  for (const server of servers) bySite.set(server.site, [...(bySite.get(server.site) ?? []), server]);
  // Per sender, its partner sites' servers in the servers' order: linear in the pairs measured.
  const position = new Map(servers.map((server, index) => [server, index]));
  const pairs = servers.flatMap((from) =>
    [...(partners.get(from.site) ?? [])]
      .flatMap((site) => bySite.get(site)!)
      .filter((to) => to !== from)
      .sort((a, b) => position.get(a)! - position.get(b)!)
      .map((to) => [from, to] as [Server, Server]),
  );
  return {
    sitePairs,
    totalSitePairs: (sites.length * (sites.length - 1)) / 2,
    totalPairs: servers.length * (servers.length - 1),
    pairs,
  };
}
