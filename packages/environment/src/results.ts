// The formats of environments/<env>/results/, written by the measuring side and read by the
// site. results/verify.json: the reachability matrix measured in the lab. Readers rely on
// {measuredAt, pairs: [{from, to, reachable, rttMs}]}; the other fields say how it was measured.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** One ordered server pair as every reader sees it. */
export interface MeasuredReachability {
  /** Server names. */
  from: string;
  to: string;
  /** At least one echo reply came back. */
  reachable: boolean;
  /** Median round-trip time of the replies, in ms; null when none came back. */
  rttMs: number | null;
}

/** One ordered server pair as `geostage verify` writes it. */
export interface MeasuredPair extends MeasuredReachability {
  /** TTL of the first reply as the sender saw it (64 less one per router crossed). */
  ttl: number | null;
  sent: number;
  received: number;
}

/** results/verify.json as `geostage verify` writes it. */
export interface VerifyResults {
  measuredAt: string;
  environment: string;
  /** How: the lab's namespaces, `ping -c N -W S`. */
  method: string;
  pairs: MeasuredPair[];
}

/** results/verify.json as readers get it from parseVerify: the fields they rely on. */
export interface MeasuredMatrix {
  measuredAt: string;
  pairs: MeasuredReachability[];
}

export async function writeResults(path: string, results: VerifyResults): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(results, null, 2)}\n`);
}

/** Parses verify.json; a malformed file is reported as a message, not thrown. */
export function parseVerify(text: string): MeasuredMatrix | string {
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
  const parsed: MeasuredReachability[] = [];
  for (const [index, pair] of pairs.entries()) {
    const { from, to, reachable, rttMs } = (pair ?? {}) as Record<string, unknown>;
    if (typeof from !== 'string' || typeof to !== 'string' || typeof reachable !== 'boolean') {
      return `results/verify.json pairs[${index}] needs from, to (server names) and reachable (true/false)`;
    }
    parsed.push({ from, to, reachable, rttMs: typeof rttMs === 'number' ? rttMs : null });
  }
  return { measuredAt, pairs: parsed };
}
