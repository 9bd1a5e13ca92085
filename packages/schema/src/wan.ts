// The WAN between sites: per site pair from explicit values, a zone matrix, coordinates or
// defaults (in that order), then per tunnel (uplinks cap the rate) and per path through hubs.

import { CITIES, greatCircleKm } from './cities.ts';
import { lazy } from './lazy.ts';
import type {
  ModelSite,
  ModelTunnel,
  ModelWan,
  ModelWanPair,
  ModelWanPath,
  ModelWanSite,
  ModelWanTunnel,
  WanCharacteristics,
  WanSource,
  WanValue,
} from './model.ts';
import type { Geography, Site, Topology } from './topology.ts';
import { zoneDelayMs, zoneMatrix } from './zones.ts';

/** Light in fibre covers about 200 km per ms (refractive index about 1.5). */
export const FIBRE_KM_PER_MS = 200;

/**
 * Default route factor 1.5: fibre rarely follows the great circle. The shipped Azure table
 * gives East US-West Europe 44.75 ms one way for roughly 6,500 km (1.4 times the fibre time);
 * routes that detour more (Japan-Europe, 2.7 times) should use the zone matrix or explicit values.
 */
export const WAN_DEFAULTS = { emulate: 'none', routeFactor: 1.5, accessMs: 1 } as const;

type Values = NonNullable<Geography['defaults']>;

export function resolveWan(
  topology: Topology,
  sites: readonly ModelSite[],
  tunnels: readonly ModelTunnel[],
): ModelWan {
  const wan = topology.wan ?? {};
  const routeFactor = wan.routeFactor ?? WAN_DEFAULTS.routeFactor;
  const matrix = wan.zones ? (zoneMatrix(wan.zones) ?? null) : null;
  const written = new Map(topology.sites.map((site) => [site.name, site] as const));
  const wanSites = sites.map((site) => wanSite(written.get(site.name)!, wan));
  const bySite = new Map(wanSites.map((site) => [site.site, site] as const));
  const siteByName = new Map(sites.map((site) => [site.name, site] as const));
  const explicit = explicitPairs(wan);
  const tunnelOf = new Map(tunnels.map((tunnel) => [pairKey(tunnel.a.site, tunnel.b.site), tunnel] as const));
  // One pair's values, the lower site id first (the order of the pairs list).
  const pairFor = (x: string, y: string): ModelWanPair => {
    const [a, b] = siteByName.get(x)!.id <= siteByName.get(y)!.id ? [x, y] : [y, x];
    const values = pairValues(
      wan,
      explicit,
      bySite.get(a)!,
      bySite.get(b)!,
      matrix?.name ?? null,
      routeFactor,
    );
    return { a, b, tunnel: tunnelOf.get(pairKey(a, b))?.name ?? null, ...values };
  };
  const wanTunnels: ModelWanTunnel[] = tunnels.map((tunnel) => {
    const pair = pairFor(tunnel.a.site, tunnel.b.site);
    const rateMbps = cappedByUplinks(pair.rateMbps, [bySite.get(tunnel.a.site)!, bySite.get(tunnel.b.site)!]);
    return {
      tunnel: tunnel.name,
      a: tunnel.a.site,
      b: tunnel.b.site,
      delayMs: pair.delayMs,
      jitterMs: pair.jitterMs,
      lossPercent: pair.lossPercent,
      rateMbps,
    };
  });
  const byTunnel = new Map(wanTunnels.map((tunnel) => [tunnel.tunnel, tunnel] as const));
  const ordered = [...sites].sort((x, y) => x.id - y.id);
  // Every site pair, in site order: quadratic in sites, so computed when first read, then kept.
  const everyPair = <T>(make: (a: string, b: string) => T): T[] => {
    const all: T[] = [];
    for (let i = 0; i < ordered.length; i++)
      for (let j = i + 1; j < ordered.length; j++) all.push(make(ordered[i]!.name, ordered[j]!.name));
    return all;
  };
  // The first tunnel of each pair, as Array.find picks it on the route.
  const firstTunnel = new Map<string, ModelTunnel>();
  for (const tunnel of tunnels) {
    const key = pairKey(tunnel.a.site, tunnel.b.site);
    if (!firstTunnel.has(key)) firstTunnel.set(key, tunnel);
  }
  const routing = routingOf(siteByName, firstTunnel);
  const result = {
    emulate: wan.emulate ?? WAN_DEFAULTS.emulate,
    zones: matrix
      ? { name: matrix.name, measured: matrix.measured, source: matrix.source, date: matrix.date }
      : null,
    routeFactor,
    fibreKmPerMs: FIBRE_KM_PER_MS,
    sites: wanSites,
    pairs: [] as ModelWanPair[],
    tunnels: wanTunnels,
    paths: [] as ModelWanPath[],
  };
  lazy(result, 'pairs', () => everyPair(pairFor));
  lazy(result, 'paths', () => everyPair((a, b) => pathBetween(a, b, routing, byTunnel)));
  PATHS.set(result, (x, y) => {
    const [a, b] = siteByName.get(x)!.id <= siteByName.get(y)!.id ? [x, y] : [y, x];
    return pathBetween(a, b, routing, byTunnel);
  });
  return result;
}

const PATHS = new WeakMap<ModelWan, (a: string, b: string) => ModelWanPath>();

/**
 * The path between two sites (either order) as `wan.paths` holds it, without computing every
 * pair's path: for a check that needs a few of them at any size.
 */
export function wanPath(wan: ModelWan, a: string, b: string): ModelWanPath | undefined {
  const between = PATHS.get(wan);
  if (between) return between(a, b);
  return wan.paths.find((path) => pairKey(path.a, path.b) === pairKey(a, b));
}

/** A property computed on first read and kept; enumerable, so it prints and compares as data. */
interface Routing {
  /** The next site from `here` towards `to`, by the router's routes. */
  via(here: string, to: string): string | undefined;
  tunnel(x: string, y: string): ModelTunnel | undefined;
  siteCount: number;
}

function routingOf(
  sites: ReadonlyMap<string, ModelSite>,
  tunnels: ReadonlyMap<string, ModelTunnel>,
): Routing {
  const routes = new Map<string, Map<string, string>>();
  return {
    via(here, to) {
      let table = routes.get(here);
      if (!table) {
        table = new Map();
        // The first route to a site wins, as Array.find would pick it.
        for (const route of sites.get(here)!.router.routes)
          if (!table.has(route.site)) table.set(route.site, route.via);
        routes.set(here, table);
      }
      return table.get(to);
    },
    tunnel: (x, y) => tunnels.get(pairKey(x, y)),
    siteCount: sites.size,
  };
}

function wanSite(site: Site, wan: Geography): ModelWanSite {
  const city = site.location?.city ?? null;
  const known = city && Object.hasOwn(CITIES, city) ? CITIES[city] : undefined;
  const latitude = site.location?.latitude ?? known?.latitude;
  const longitude = site.location?.longitude ?? known?.longitude;
  return {
    site: site.name,
    location: latitude !== undefined && longitude !== undefined ? { latitude, longitude, city } : null,
    zone: site.zone ?? null,
    uplinkMbps: site.uplink?.rate ?? null,
    accessMs: site.uplink?.access ?? wan.access ?? WAN_DEFAULTS.accessMs,
  };
}

export function pairKey(a: string, b: string): string {
  return a <= b ? `${a} ${b}` : `${b} ${a}`;
}

/** The index of the first explicit pair for each two sites (the checks refuse a pair given twice). */
function explicitPairs(wan: Geography): ReadonlyMap<string, number> {
  const indexes = new Map<string, number>();
  (wan.pairs ?? []).forEach((pair, index) => {
    const key = pairKey(pair.sites[0]!, pair.sites[1]!);
    if (!indexes.has(key)) indexes.set(key, index);
  });
  return indexes;
}

function pairValues(
  wan: Geography,
  explicitIndex: ReadonlyMap<string, number>,
  a: ModelWanSite,
  b: ModelWanSite,
  matrix: string | null,
  routeFactor: number,
): WanCharacteristics {
  const index = explicitIndex.get(pairKey(a.site, b.site)) ?? -1;
  const explicit = index >= 0 ? wan.pairs![index]! : undefined;
  const defaults: Values = wan.defaults ?? {};
  const pick = (key: keyof Values, fallback: number | null, computed?: WanValue | null): WanValue => {
    const given = explicit?.[key];
    if (given !== undefined) return { value: given, source: { kind: 'explicit', pair: index } };
    if (computed) return computed;
    const value = defaults[key];
    return value !== undefined
      ? { value, source: { kind: 'default', written: true } }
      : { value: fallback, source: { kind: 'default', written: false } };
  };
  return {
    delayMs: pick('delay', 0, zoneDelay(a, b, matrix) ?? coordinateDelay(a, b, routeFactor)),
    jitterMs: pick('jitter', 0),
    lossPercent: pick('loss', 0),
    rateMbps: pick('rate', null),
  };
}

function zoneDelay(a: ModelWanSite, b: ModelWanSite, matrix: string | null): WanValue | null {
  if (!matrix || !a.zone || !b.zone) return null;
  const table = zoneMatrix(matrix);
  const delay = table ? zoneDelayMs(table, a.zone, b.zone) : null;
  if (delay === null) return null;
  return { value: delay, source: { kind: 'zone', matrix, zones: [a.zone, b.zone] } };
}

function coordinateDelay(a: ModelWanSite, b: ModelWanSite, routeFactor: number): WanValue | null {
  if (!a.location || !b.location) return null;
  const distanceKm = round(greatCircleKm(a.location, b.location));
  const accessMs = a.accessMs + b.accessMs;
  const value = round((distanceKm / FIBRE_KM_PER_MS) * routeFactor + accessMs);
  return { value, source: { kind: 'coordinates', distanceKm, routeFactor, accessMs } };
}

function cappedByUplinks(rate: WanValue, ends: readonly ModelWanSite[]): WanValue {
  let capped = rate;
  for (const end of ends) {
    if (end.uplinkMbps === null) continue;
    if (capped.value === null || end.uplinkMbps < capped.value)
      capped = { value: end.uplinkMbps, source: { kind: 'uplink', site: end.site } };
  }
  return capped;
}

/** Follows the routers' routes from a to b: each hop is one tunnel. */
function pathBetween(
  a: string,
  b: string,
  routing: Routing,
  byTunnel: ReadonlyMap<string, ModelWanTunnel>,
): ModelWanPath {
  const hops: string[] = [a];
  const names: string[] = [];
  let here = a;
  while (here !== b && hops.length <= routing.siteCount) {
    const via = routing.via(here, b);
    const tunnel = via ? routing.tunnel(here, via) : undefined;
    if (!via || !tunnel) break;
    names.push(tunnel.name);
    hops.push(via);
    here = via;
  }
  const parts = names.map((name) => byTunnel.get(name)!);
  const values = combine(parts, names);
  const slowest = parts
    .filter((part) => part.rateMbps.value !== null)
    .sort((x, y) => x.rateMbps.value! - y.rateMbps.value!)[0];
  const limit = slowest?.rateMbps.source;
  const bottleneck = !slowest ? null : limit?.kind === 'uplink' ? `uplink ${limit.site}` : slowest.tunnel;
  return {
    a,
    b,
    sites: hops,
    tunnels: names,
    ...values,
    rttMs: round(2 * (values.delayMs.value ?? 0)),
    bottleneck,
  };
}

/** Delay and jitter add, loss combines (1 - product of what gets through), rate is the minimum. */
export function combine(parts: readonly WanCharacteristics[], names: readonly string[]): WanCharacteristics {
  if (parts.length === 1) {
    const [only] = parts;
    return {
      delayMs: only!.delayMs,
      jitterMs: only!.jitterMs,
      lossPercent: only!.lossPercent,
      rateMbps: only!.rateMbps,
    };
  }
  const source: WanSource = { kind: 'path', tunnels: [...names] };
  const sum = (pick: (part: WanCharacteristics) => WanValue) =>
    round(parts.reduce((total, part) => total + (pick(part).value ?? 0), 0));
  const through = parts.reduce((kept, part) => kept * (1 - (part.lossPercent.value ?? 0) / 100), 1);
  const rates = parts.map((part) => part.rateMbps.value).filter((value): value is number => value !== null);
  return {
    delayMs: { value: sum((part) => part.delayMs), source },
    jitterMs: { value: sum((part) => part.jitterMs), source },
    lossPercent: { value: round((1 - through) * 100), source },
    rateMbps: { value: rates.length > 0 ? Math.min(...rates) : null, source },
  };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/** Where a value came from, in words: `explicit`, `zone azure-2024-06 (japan-east, ...)`, `coordinates (8917 km)`. */
export function wanSourceLabel(source: WanSource): string {
  switch (source.kind) {
    case 'explicit':
      return `explicit (wan.pairs[${source.pair}])`;
    case 'zone':
      return `zone ${source.matrix} (${source.zones.join(', ')})`;
    case 'coordinates':
      return `coordinates (${Math.round(source.distanceKm)} km)`;
    case 'uplink':
      return `uplink of ${source.site}`;
    case 'path':
      return `path (${source.tunnels.join(' + ')})`;
    case 'default':
      return source.written ? 'default (wan.defaults)' : 'default';
  }
}
