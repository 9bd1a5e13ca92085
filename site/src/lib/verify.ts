// Measured reachability: environments/<env>/results/verify.json, written by `geostage verify`.
//
// Shape (documented in site/README.md):
//   { "measuredAt": "2025-01-31T12:00:00Z",
//     "pairs": [ { "from": "node01", "to": "master01", "reachable": true, "rttMs": 1.2 }, ... ] }
// `from` and `to` are server names; `rttMs` is the mean round-trip time, null when unreachable.

export interface MeasuredPair {
  from: string;
  to: string;
  reachable: boolean;
  rttMs: number | null;
}

export interface VerifyResults {
  measuredAt: string;
  pairs: MeasuredPair[];
}

/** Parses verify.json; a malformed file is reported as a message, not thrown. */
export function parseVerify(text: string): VerifyResults | string {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return `results/verify.json is not JSON: ${(error as Error).message}`;
  }
  if (typeof data !== 'object' || data === null) return 'results/verify.json must be an object';
  const { measuredAt, pairs } = data as Record<string, unknown>;
  if (typeof measuredAt !== 'string') return 'results/verify.json needs measuredAt (an ISO date string)';
  if (!Array.isArray(pairs)) return 'results/verify.json needs pairs (a list)';
  const parsed: MeasuredPair[] = [];
  for (const [index, pair] of pairs.entries()) {
    const { from, to, reachable, rttMs } = (pair ?? {}) as Record<string, unknown>;
    if (typeof from !== 'string' || typeof to !== 'string' || typeof reachable !== 'boolean') {
      return `results/verify.json pairs[${index}] needs from, to (server names) and reachable (true/false)`;
    }
    parsed.push({ from, to, reachable, rttMs: typeof rttMs === 'number' ? rttMs : null });
  }
  return { measuredAt, pairs: parsed };
}

export interface Measured {
  get(from: string, to: string): MeasuredPair | undefined;
}

export function measuredLookup(results: VerifyResults): Measured {
  const byPair = new Map(results.pairs.map((pair) => [`${pair.from}\u0000${pair.to}`, pair] as const));
  return { get: (from, to) => byPair.get(`${from}\u0000${to}`) };
}

export interface Disagreement {
  from: string;
  to: string;
  computed: boolean;
  /** null when the pair was not measured. */
  measured: boolean | null;
}

/** Every ordered pair of distinct servers where the measurement differs from the computation. */
export function disagreements(
  servers: readonly string[],
  computed: (from: string, to: string) => boolean,
  measured: Measured,
): Disagreement[] {
  const found: Disagreement[] = [];
  for (const from of servers) {
    for (const to of servers) {
      if (from === to) continue;
      const pair = measured.get(from, to);
      const expected = computed(from, to);
      if (!pair) found.push({ from, to, computed: expected, measured: null });
      else if (pair.reachable !== expected) found.push({ from, to, computed: expected, measured: pair.reachable });
    }
  }
  return found;
}
