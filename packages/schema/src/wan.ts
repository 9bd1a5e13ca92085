// The WAN between sites: per site pair from explicit values, a zone matrix, coordinates or
// defaults (in that order), then per tunnel (uplinks cap the rate) and per path through hubs.
import { CITIES, greatCircleKm } from './cities.ts';
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
  const tunnelOf = new Map(tunnels.map((tunnel) => [pairKey(tunnel.a.site, tunnel.b.site), tunnel.name]));
  const ordered = [...sites].sort((x, y) => x.id - y.id);
  const pairs: ModelWanPair[] = [];
  for (const [i, a] of ordered.entries()) {
    for (const b of ordered.slice(i + 1)) {
      const values = pairValues(
        wan,
        bySite.get(a.name)!,
        bySite.get(b.name)!,
        matrix?.name ?? null,
        routeFactor,
      );
      pairs.push({ a: a.name, b: b.name, tunnel: tunnelOf.get(pairKey(a.name, b.name)) ?? null, ...values });
    }
  }
  const pairOf = new Map(pairs.map((pair) => [pairKey(pair.a, pair.b), pair] as const));
  const wanTunnels: ModelWanTunnel[] = tunnels.map((tunnel) => {
    const pair = pairOf.get(pairKey(tunnel.a.site, tunnel.b.site))!;
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
  const siteByName = new Map(sites.map((site) => [site.name, site] as const));
  const paths = pairs.map((pair) => pathBetween(pair.a, pair.b, siteByName, tunnels, byTunnel));
  return {
    emulate: wan.emulate ?? WAN_DEFAULTS.emulate,
    zones: matrix
      ? { name: matrix.name, measured: matrix.measured, source: matrix.source, date: matrix.date }
      : null,
    routeFactor,
    fibreKmPerMs: FIBRE_KM_PER_MS,
    sites: wanSites,
    pairs,
    tunnels: wanTunnels,
    paths,
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
  return [a, b].sort().join(' ');
}

/** The index of the explicit pair for two sites, if any (the checks refuse a pair given twice). */
function explicitPair(wan: Geography, a: string, b: string): number {
  return (wan.pairs ?? []).findIndex((pair) => pairKey(pair.sites[0]!, pair.sites[1]!) === pairKey(a, b));
}

function pairValues(
  wan: Geography,
  a: ModelWanSite,
  b: ModelWanSite,
  matrix: string | null,
  routeFactor: number,
): WanCharacteristics {
  const index = explicitPair(wan, a.site, b.site);
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
  sites: ReadonlyMap<string, ModelSite>,
  tunnels: readonly ModelTunnel[],
  byTunnel: ReadonlyMap<string, ModelWanTunnel>,
): ModelWanPath {
  const hops: string[] = [a];
  const names: string[] = [];
  let here = a;
  while (here !== b && hops.length <= sites.size) {
    const via = sites.get(here)!.router.routes.find((route) => route.site === b)?.via;
    const tunnel = via ? tunnels.find((t) => pairKey(t.a.site, t.b.site) === pairKey(here, via)) : undefined;
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
