// verify: one orchestrator for `geostage verify`. Reads the lab's inventory, refuses a lab that
// is stale (built from other files than those on disk) or unhealthy unless forced, measures the
// reachability matrix in it, writes results/verify.json, computes reach's matrix from the
// generated files and compares the two. Returns data; the CLI prints it.
import { existsSync } from 'node:fs';
import { type MeasuredPair, type VerifySample, writeResults } from '@geostage/environment';
import {
  type InventoryFailure,
  labHealth,
  readInventory,
  readLabSource,
  sourceChanges,
  staleMessage,
} from '@geostage/lab';
import { computeReachability, readGeneratedNetwork } from '@geostage/reach';
import { type Comparison, compareWithReach } from './compare.ts';
import { neighbourTable, overflowWarning } from './neighbours.ts';
import { measureMatrix } from './reachability.ts';
import type { MatrixServer } from './render.ts';
import { sampleServerPairs } from './sampling.ts';

export interface VerifyOptions {
  environment: string;
  /** Absolute path of environments/<env>. */
  folder: string;
  /** Absolute path of the results file (environments/<env>/results/verify.json). */
  resultsPath: string;
  /** Absolute path of environments/<env>/generated/network, which reach reads. */
  network: string;
  /** Senders probing at once. */
  concurrency: number;
  /** Measure only this many site pairs, chosen with the seed (sampling.ts); absent: every pair. */
  sample?: { sitePairs: number; seed: number };
  /** Echo requests per pair, and seconds to wait for the last reply. */
  count: number;
  timeoutSeconds: number;
  /** Measure (and write the results of) a stale or unhealthy lab anyway. */
  force?: boolean;
}

/** Why verify did not measure: the lab is stale or unhealthy (and it was not forced). */
export type VerifyRefusal = { kind: 'stale' | 'unhealthy'; error: string };

export type VerifyOutcome =
  | ({ ok: false } & (InventoryFailure | VerifyRefusal))
  | {
      ok: true;
      /** Why the lab is not healthy or stale (measured anyway, forced). */
      problems: string[];
      /** What on this machine may have made the measurement wrong (the neighbour table full). */
      warnings: string[];
      measuredAt: string;
      seconds: number;
      pairs: MeasuredPair[];
      /** What was sampled; null when every pair was measured. */
      sample: VerifySample | null;
      /** The servers in the lab's order, with their routers, for the matrices. */
      servers: MatrixServer[];
      /** Null when there are no generated files to compare with. */
      comparison: Comparison | null;
      /** The measurement agrees with reach on every pair and every server was measured. */
      agrees: boolean;
    };

export async function verifyLab(options: VerifyOptions): Promise<VerifyOutcome> {
  const read = await readInventory(options.folder, options.environment);
  if (!read.ok) return read;
  const { inventory, state } = read;
  const health = await labHealth(state);
  const changes = state.source ? sourceChanges(state.source, await readLabSource(options.folder)) : [];
  const stale = changes.length > 0 ? staleMessage(options.environment, changes) : null;
  const unhealthy = health.healthy
    ? null
    : `the lab of ${options.environment} is not healthy (${health.problems.join('; ')}); run geostage lab up ${options.environment} to repair it`;
  const forcing = ' (verify --force measures it anyway and overwrites the results)';
  if (stale && !options.force) return { ok: false, kind: 'stale', error: `${stale}${forcing}` };
  if (unhealthy && !options.force) return { ok: false, kind: 'unhealthy', error: `${unhealthy}${forcing}` };

  const started = Date.now();
  const { count, timeoutSeconds } = options;
  const sampled = options.sample
    ? sampleServerPairs(inventory.servers, options.sample.sitePairs, options.sample.seed)
    : null;
  const sample: VerifySample | null =
    sampled && options.sample
      ? {
          seed: options.sample.seed,
          sitePairs: sampled.sitePairs,
          totalSitePairs: sampled.totalSitePairs,
          totalPairs: sampled.totalPairs,
        }
      : null;
  const before = await neighbourTable();
  const pairs = await measureMatrix(inventory.servers, {
    concurrency: options.concurrency,
    count,
    timeoutSeconds,
    ttl: true,
    ...(sampled ? { pairs: sampled.pairs } : {}),
  });
  const after = await neighbourTable();
  const overflows = before.fulls !== null && after.fulls !== null ? after.fulls - before.fulls : 0;
  const warnings = overflows > 0 ? [overflowWarning(overflows, after.limit)] : [];
  const measuredAt = new Date().toISOString();
  const what = sample
    ? `${sample.sitePairs.length} of ${sample.totalSitePairs} site pairs sampled with seed ${sample.seed} (both ways between their servers, and each sampled site's own pairs)`
    : 'every server pair';
  await writeResults(options.resultsPath, {
    measuredAt,
    environment: options.environment,
    method: `lab (${state.prefix}*, routers as Linux), ${what}: fping -C ${count} -t ${timeoutSeconds * 1000} from each server's namespace, TTL from ping -c 1`,
    ...(sample ? { sample } : {}),
    pairs,
  });
  const seconds = (Date.now() - started) / 1000;
  const inSample = new Set(sampled?.pairs.flatMap(([from, to]) => [from.name, to.name]));
  const servers = inventory.servers
    .filter((server) => !sampled || inSample.has(server.name))
    .map((server) => ({ name: server.name, router: server.router }));

  const comparison = existsSync(options.network)
    ? compareWithReach(
        pairs,
        computeReachability(await readGeneratedNetwork(options.network)),
        sampled ? new Set(servers.map((server) => server.router)) : undefined,
      )
    : null;
  return {
    ok: true,
    problems: [...(health.healthy ? [] : health.problems), ...(stale ? [stale] : [])],
    warnings,
    measuredAt,
    seconds,
    pairs,
    sample,
    servers,
    comparison,
    agrees:
      comparison !== null && comparison.disagreements.length === 0 && comparison.unmeasured.length === 0,
  };
}
