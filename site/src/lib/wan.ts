// The WAN section's data: per site pair what the Model configures beside what `geostage measure`
// found, on a colour scale kept as data, and where each value came from. Pure: no disk, no HTML.
import type { WanResults, WanSitePair } from '@geostage/environment';
import {
  type ModelWan,
  type ModelWanPath,
  type WanCharacteristics,
  type WanValue,
  wanSourceLabel,
} from '@geostage/schema';

/** One step of a colour scale: values from `from` (inclusive) up to `to` (exclusive). */
export interface ColourStep {
  /** null: no lower bound; for rates, `from` null with `to` null is the unlimited step. */
  from: number | null;
  to: number | null;
  /** Legend text, e.g. "20-50 ms". */
  label: string;
  background: string;
  /** Text colour on that background with at least 4.5:1 contrast. */
  ink: string;
}

export interface ColourScale {
  unit: string;
  steps: ColourStep[];
}

// Viridis, light to dark: ordered in lightness, so it reads in grey and for every common colour
// vision deficiency. Dark ink on the three light steps, white on the two dark ones (WCAG AA).
const VIRIDIS = [
  { background: '#fde725', ink: '#1b1f24' },
  { background: '#5ec962', ink: '#1b1f24' },
  { background: '#21918c', ink: '#000000' },
  { background: '#3b528b', ink: '#ffffff' },
  { background: '#440154', ink: '#ffffff' },
] as const;

/** Round trip, ms: light is near, dark is far; 50 ms is where etcd's default timeouts suffer. */
export const RTT_BOUNDS = [5, 20, 50, 150] as const;
/** Rate, Mbit/s, from fast to slow, so that dark is still the worse pair; unlimited is lightest. */
export const RATE_BOUNDS = [1000, 100, 10] as const;

export const RTT_SCALE: ColourScale = {
  unit: 'ms',
  steps: [null, ...RTT_BOUNDS].map((from, index) => {
    const to = RTT_BOUNDS[index] ?? null;
    const label = from === null ? `under ${to} ms` : to === null ? `${from} ms or more` : `${from}-${to} ms`;
    return { from, to, label, ...VIRIDIS[index]! };
  }),
};

export const RATE_SCALE: ColourScale = {
  unit: 'Mbit/s',
  steps: [
    { from: null, to: null, label: 'unlimited', ...VIRIDIS[0] },
    { from: RATE_BOUNDS[0], to: null, label: `${RATE_BOUNDS[0]} Mbit/s or more`, ...VIRIDIS[1] },
    {
      from: RATE_BOUNDS[1],
      to: RATE_BOUNDS[0],
      label: `${RATE_BOUNDS[1]}-${RATE_BOUNDS[0]} Mbit/s`,
      ...VIRIDIS[2],
    },
    {
      from: RATE_BOUNDS[2],
      to: RATE_BOUNDS[1],
      label: `${RATE_BOUNDS[2]}-${RATE_BOUNDS[1]} Mbit/s`,
      ...VIRIDIS[3],
    },
    { from: 0, to: RATE_BOUNDS[2], label: `under ${RATE_BOUNDS[2]} Mbit/s`, ...VIRIDIS[4] },
  ],
};

/** The step of a round trip on RTT_SCALE. */
export function rttStep(ms: number): number {
  const index = RTT_BOUNDS.findIndex((bound) => ms < bound);
  return index === -1 ? RTT_BOUNDS.length : index;
}

/** The step of a rate on RATE_SCALE; null is unlimited. */
export function rateStep(mbps: number | null): number {
  if (mbps === null) return 0;
  const index = RATE_BOUNDS.findIndex((bound) => mbps >= bound);
  return index === -1 ? RATE_BOUNDS.length + 1 : index + 1;
}

/** What `geostage measure` calls agreement (issue 12): RTT within 15%, throughput within 20%. */
export const RTT_TOLERANCE = 0.15;
export const THROUGHPUT_TOLERANCE = 0.2;

export interface HeatCell {
  from: string;
  to: string;
  /** The diagonal: a site with itself. */
  self: boolean;
  /** The configured value (expected RTT, or bottleneck rate); null is unlimited or the diagonal. */
  configured: number | null;
  /** The configured value as the cell shows it, e.g. "137.8" or "unlimited". */
  text: string;
  /** What was measured, as text ("138.1 (137.9-139.0)"), or null when not measured. */
  measured: string | null;
  /** The measured number itself (median RTT, throughput), for data-measured. */
  measuredValue: number | null;
  /** Null when not measured; false marks the cell. */
  agrees: boolean | null;
  /** The lab's own round trip on this path with no emulation (measure adds it to the expected RTT). */
  baseRttMs: number | null;
  /** Index into the heatmap's scale.steps (by the configured value); null on the diagonal. */
  step: number | null;
  /** Where the configured value came from, in words, for a tooltip. */
  source: string;
}

export interface Heatmap {
  id: 'wan-rtt' | 'wan-rate';
  caption: string;
  names: string[];
  scale: ColourScale;
  /** rows[i][j]: from names[i] to names[j]; symmetric (values are alike both ways). */
  rows: HeatCell[][];
}

/** One pair's origins, for the sources table. */
export interface PairSources {
  a: string;
  b: string;
  /** The sites on the way, hubs between: "osaka > tokyo > berlin". */
  route: string;
  delayMs: number;
  delaySource: string;
  jitterMs: number;
  lossPercent: number;
  rateMbps: number | null;
  rateSource: string;
  rttMs: number;
  /** A tunnel name, `uplink <site>`, or null when unlimited. */
  bottleneck: string | null;
}

export interface MapSite {
  site: string;
  latitude: number;
  longitude: number;
  city: string | null;
}

export interface MapTunnel {
  tunnel: string;
  a: string;
  b: string;
  rttMs: number;
  step: number;
}

export interface WanView {
  emulate: ModelWan['emulate'];
  zones: ModelWan['zones'];
  routeFactor: number;
  fibreKmPerMs: number;
  rtt: Heatmap;
  rate: Heatmap;
  sources: PairSources[];
  /** Sites with coordinates and the tunnels between two of them; null when no site has any. */
  map: { sites: MapSite[]; tunnels: MapTunnel[] } | null;
  /** What was measured, or null when there is no results/wan.json. */
  measured: Omit<WanResults, 'sitePairs'> | null;
  /** Measured pairs that disagree with the Model, with the reasons measure gave. */
  disagreements: { from: string; to: string; differences: string[] }[];
}

const isDefault = (value: WanValue) => value.source.kind === 'default' && !value.source.written;

const written = (values: WanCharacteristics) =>
  !isDefault(values.delayMs) ||
  !isDefault(values.jitterMs) ||
  !isDefault(values.lossPercent) ||
  !isDefault(values.rateMbps);

/**
 * Whether the topology says anything about its WAN: worth a section on the page. `everyPair`:
 * whether to look at every site pair's path, which a large environment cannot afford (wan.paths
 * is every pair: 50 million at 10,000 sites); without it the tunnels the paths are made of are.
 */
export function hasWan(wan: ModelWan, everyPair = true): boolean {
  if (wan.emulate !== 'none' || wan.zones !== null) return true;
  if (wan.sites.some((site) => site.location !== null || site.zone !== null || site.uplinkMbps !== null))
    return true;
  if (wan.tunnels.some(written)) return true;
  return everyPair && wan.paths.some(written);
}

export function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1).replace(/\.0$/, '');
}

const pairKey = (a: string, b: string) => (a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`);

/** A measured pair's agreement on round trip and on throughput, each judged on its own. */
export function metricAgreement(pair: WanSitePair): { rtt: boolean; throughput: boolean } {
  const median = pair.measured.rttMs?.median;
  const expectedRtt = pair.expected.rttMs + (pair.baseRttMs ?? 0);
  const rtt =
    median === undefined || Math.abs(median - expectedRtt) <= RTT_TOLERANCE * Math.max(expectedRtt, 1);
  const rate = pair.expected.rateMbps;
  const measured = pair.measured.throughputMbps;
  const throughput =
    rate === null || measured === null || Math.abs(measured - rate) <= THROUGHPUT_TOLERANCE * rate;
  // measure's own verdict wins: a pair it calls disagreeing for a reason judged here as fine
  // (loss, say) is marked on both maps rather than on neither.
  if (!pair.agrees && rtt && throughput) return { rtt: false, throughput: false };
  if (pair.agrees) return { rtt: true, throughput: true };
  return { rtt, throughput };
}

function cell(
  from: string,
  to: string,
  path: ModelWanPath | undefined,
  measured: WanSitePair | undefined,
  kind: 'rtt' | 'rate',
): HeatCell {
  if (from === to || !path) {
    return {
      from,
      to,
      self: true,
      configured: null,
      text: '-',
      measured: null,
      measuredValue: null,
      agrees: null,
      baseRttMs: null,
      step: null,
      source: '',
    };
  }
  const agreement = measured ? metricAgreement(measured) : null;
  if (kind === 'rtt') {
    const rtt = measured?.measured.rttMs ?? null;
    return {
      from,
      to,
      self: false,
      configured: path.rttMs,
      text: formatNumber(path.rttMs),
      measured: rtt
        ? `${formatNumber(rtt.median)} (${formatNumber(rtt.p10)}-${formatNumber(rtt.p90)})`
        : null,
      measuredValue: rtt?.median ?? null,
      agrees: agreement && rtt ? agreement.rtt : null,
      baseRttMs: measured?.baseRttMs ?? null,
      step: rttStep(path.rttMs),
      source: `twice the one-way delay, ${wanSourceLabel(path.delayMs.source)}`,
    };
  }
  const rate = path.rateMbps.value;
  const throughput = measured?.measured.throughputMbps ?? null;
  return {
    from,
    to,
    self: false,
    configured: rate,
    text: rate === null ? 'unlimited' : formatNumber(rate),
    measured: throughput === null ? null : formatNumber(throughput),
    measuredValue: throughput,
    agrees: agreement && throughput !== null ? agreement.throughput : null,
    baseRttMs: null,
    step: rateStep(rate),
    source: path.bottleneck
      ? `${wanSourceLabel(path.rateMbps.source)}, set by ${path.bottleneck}`
      : wanSourceLabel(path.rateMbps.source),
  };
}

function heatmap(
  id: Heatmap['id'],
  caption: string,
  names: string[],
  paths: Map<string, ModelWanPath>,
  measured: Map<string, WanSitePair>,
): Heatmap {
  const kind = id === 'wan-rtt' ? 'rtt' : 'rate';
  return {
    id,
    caption,
    names,
    scale: kind === 'rtt' ? RTT_SCALE : RATE_SCALE,
    rows: names.map((from) =>
      names.map((to) => cell(from, to, paths.get(pairKey(from, to)), measured.get(pairKey(from, to)), kind)),
    ),
  };
}

/** The WAN section of an environment page, from the Model's WAN and the optional wan.json. */
export function wanView(wan: ModelWan, results: WanResults | null): WanView {
  const names = wan.sites.map((site) => site.site);
  // wan.paths is every site pair (50 million at 10,000 sites): read only by the heatmaps and the
  // sources table, which the page shows for small environments only (scale.ts). So those three
  // parts are made when first read.
  let paths: Map<string, ModelWanPath> | undefined;
  const pathsByPair = () => {
    paths ??= new Map(wan.paths.map((path) => [pairKey(path.a, path.b), path] as const));
    return paths;
  };
  const once = <T>(make: () => T): (() => T) => {
    let value: T | undefined;
    return () => {
      value ??= make();
      return value;
    };
  };
  const measured = new Map(
    (results?.sitePairs ?? []).map((pair) => [pairKey(pair.from, pair.to), pair] as const),
  );
  const rtt = once(() =>
    heatmap(
      'wan-rtt',
      `Round trip per site pair, ms: configured${results ? ', measured median (p10-p90)' : ''}`,
      names,
      pathsByPair(),
      measured,
    ),
  );
  const rate = once(() =>
    heatmap(
      'wan-rate',
      `Rate per site pair, Mbit/s: configured bottleneck${results ? ', measured TCP throughput' : ''}`,
      names,
      pathsByPair(),
      measured,
    ),
  );
  const sources = once(() =>
    wan.paths.map((path) => ({
      a: path.a,
      b: path.b,
      route: path.sites.join(' > '),
      delayMs: path.delayMs.value ?? 0,
      delaySource: wanSourceLabel(path.delayMs.source),
      jitterMs: path.jitterMs.value ?? 0,
      lossPercent: path.lossPercent.value ?? 0,
      rateMbps: path.rateMbps.value,
      rateSource: wanSourceLabel(path.rateMbps.source),
      rttMs: path.rttMs,
      bottleneck: path.bottleneck,
    })),
  );
  const located = wan.sites.flatMap((site) => (site.location ? [{ site: site.site, ...site.location }] : []));
  const placed = new Set(located.map((site) => site.site));
  return {
    emulate: wan.emulate,
    zones: wan.zones,
    routeFactor: wan.routeFactor,
    fibreKmPerMs: wan.fibreKmPerMs,
    get rtt() {
      return rtt();
    },
    get rate() {
      return rate();
    },
    get sources() {
      return sources();
    },
    map:
      located.length === 0
        ? null
        : {
            sites: located,
            tunnels: wan.tunnels
              .filter((tunnel) => placed.has(tunnel.a) && placed.has(tunnel.b))
              .map((tunnel) => {
                const rttMs = 2 * (tunnel.delayMs.value ?? 0);
                return { tunnel: tunnel.tunnel, a: tunnel.a, b: tunnel.b, rttMs, step: rttStep(rttMs) };
              }),
          },
    measured: results
      ? {
          measuredAt: results.measuredAt,
          environment: results.environment,
          method: results.method,
          emulation: results.emulation,
          quick: results.quick,
        }
      : null,
    disagreements: (results?.sitePairs ?? [])
      .filter((pair) => !pair.agrees)
      .map((pair) => ({ from: pair.from, to: pair.to, differences: pair.differences })),
  };
}
