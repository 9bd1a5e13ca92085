// environments/<env>/results/verify.json, the measured side of the site's matrix pages. The
// site reads {measuredAt, pairs: [{from, to, reachable, rttMs}]} (site/src/lib/verify.ts) and
// ignores the rest; the other fields say how it was measured.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface MeasuredPair {
  from: string;
  to: string;
  /** At least one echo reply came back. */
  reachable: boolean;
  /** Median round-trip time of the replies, in ms; null when none came back. */
  rttMs: number | null;
  /** TTL of the first reply as the sender saw it (64 less one per router crossed). */
  ttl: number | null;
  sent: number;
  received: number;
}

export interface VerifyResults {
  measuredAt: string;
  environment: string;
  /** How: the lab's namespaces, `ping -c N -W S`. */
  method: string;
  pairs: MeasuredPair[];
}

export async function writeResults(path: string, results: VerifyResults): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(results, null, 2)}\n`);
}
