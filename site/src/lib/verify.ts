// Measured reachability against computed: environments/<env>/results/verify.json (its format and
// parser live in @geostage/environment), looked up per pair and compared for the matrix pages.
import type { MeasuredMatrix, MeasuredReachability } from '@geostage/environment';

export { parseVerify } from '@geostage/environment';

export interface Measured {
  get(from: string, to: string): MeasuredReachability | undefined;
}

export function measuredLookup(results: MeasuredMatrix): Measured {
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
      else if (pair.reachable !== expected)
        found.push({ from, to, computed: expected, measured: pair.reachable });
    }
  }
  return found;
}
