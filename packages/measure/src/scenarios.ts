// A scenario in the running lab: per phase, inject its change, measure the reachability matrix
// until it equals reach's prediction (bounded by the scenario's converge seconds; the time it
// took is the convergence time), hold, go on. Every fault is undone at the end, also when the
// run is aborted (SIGINT/SIGTERM in the CLI); the results say whether it was cut short.
import {
  type MeasuredPair,
  type ScenarioPhaseResult,
  type ScenarioResults,
  writeScenarioResults,
} from '@geostage/environment';
import {
  changeFaults,
  type FaultContext,
  type InventoryFailure,
  NO_FAULTS,
  readInventory,
  undoFaults,
} from '@geostage/lab';
import type { PredictedPair } from '@geostage/reach';
import { type Model, phaseWan, type ScenarioFaults } from '@geostage/schema';
import { measureMatrix } from './reachability.ts';
import type { ScenarioPlan } from './scenario-plan.ts';
import { median } from './statistics.ts';

/** One echo per pair, one second to answer: a poll must be short to time convergence. */
const COUNT = 1;
const TIMEOUT_SECONDS = 1;

export interface ScenarioRunOptions {
  plan: ScenarioPlan;
  model: Model;
  environment: string;
  /** Absolute environments/<env>. */
  folder: string;
  /** Absolute results/scenarios/<name>.json. */
  resultsPath: string;
  concurrency: number;
  /** Aborting cuts the run short: the faults are undone and the results written. */
  signal?: AbortSignal;
  progress?(line: string): void;
}

export type ScenarioRunOutcome =
  | ({ ok: false } & InventoryFailure)
  | {
      ok: true;
      results: ScenarioResults;
      /** What could not be undone, one line each (empty when the lab is back as it was). */
      undoErrors: string[];
      /** Every phase agreed and the run was not cut short. */
      agrees: boolean;
    };

/** Pairs where the measurement and the prediction differ. */
export function differingPairs(
  predicted: readonly PredictedPair[],
  measured: readonly MeasuredPair[],
): ScenarioPhaseResult['differing'] {
  const got = new Map(measured.map((pair) => [`${pair.from} ${pair.to}`, pair.reachable]));
  const differing: ScenarioPhaseResult['differing'] = [];
  for (const pair of predicted) {
    const value = got.get(`${pair.from} ${pair.to}`);
    if (value === undefined || value !== pair.reachable)
      differing.push({ from: pair.from, to: pair.to, predicted: pair.reachable, measured: value ?? false });
  }
  return differing;
}

/** Per site pair: the round trip the phase's WAN gives and the median measured between the sites. */
export function siteRoundTrips(
  model: Model,
  faults: ScenarioFaults,
  measured: readonly MeasuredPair[],
): NonNullable<ScenarioPhaseResult['rtt']> {
  const siteOf = new Map(model.servers.map((server) => [server.name, server.site] as const));
  return model.wan.pairs.map(({ a, b }) => {
    const values = phaseWan(model, faults, a, b);
    const rtts = measured
      .filter((pair) => {
        const sites = [siteOf.get(pair.from), siteOf.get(pair.to)];
        return pair.rttMs !== null && sites.includes(a) && sites.includes(b) && sites[0] !== sites[1];
      })
      .map((pair) => pair.rttMs!);
    const measuredMs = median(rtts);
    return {
      a,
      b,
      expectedMs: 2 * (values?.delayMs.value ?? 0),
      measuredMs: measuredMs === null ? null : Math.round(measuredMs * 1000) / 1000,
    };
  });
}

/** Waits `ms`, or less when the signal aborts. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (ms <= 0 || signal?.aborted) return Promise.resolve();
  return new Promise((done) => {
    const timer = setTimeout(finish, ms);
    function finish() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', finish);
      done();
    }
    signal?.addEventListener('abort', finish, { once: true });
  });
}

// One piece (over 80 lines): the timeline loop shares the fault state, the clock and the
// results with the undo in its finally block, which must run whatever happened.
export async function runScenario(options: ScenarioRunOptions): Promise<ScenarioRunOutcome> {
  const { plan, signal } = options;
  const read = await readInventory(options.folder, options.environment);
  if (!read.ok) return read;
  const progress = options.progress ?? (() => {});
  const context: FaultContext = {
    model: options.model,
    folder: options.folder,
    inventory: read.inventory,
    state: read.state,
    scenario: plan.timeline.name,
    progress,
  };
  // A run interrupted before it could undo leaves its record: undo it before starting.
  const leftover = await undoFaults(context);
  if (leftover.length > 0)
    throw new Error(`faults of an earlier run could not be undone: ${leftover.join('; ')}`);
  const servers = read.inventory.servers;
  const startedAt = new Date().toISOString();
  const origin = Date.now();
  const phases: ScenarioPhaseResult[] = [];
  let inForce: ScenarioFaults = NO_FAULTS;
  let reason: string | null = null;
  let undoErrors: string[] = [];
  try {
    for (const planned of plan.phases) {
      if (signal?.aborted) break;
      const { phase, predicted } = planned;
      if (phase.at !== null) await sleep(origin + phase.at * 1000 - Date.now(), signal);
      if (signal?.aborted) break;
      progress(`${phase.index}. ${phase.name}`);
      const start = new Date();
      await changeFaults(context, inForce, phase.faults);
      inForce = phase.faults;
      const deadline = start.getTime() + plan.timeline.convergeSeconds * 1000;
      let measured: MeasuredPair[] = [];
      let differing: ScenarioPhaseResult['differing'] = [];
      let convergedAfterMs: number | null = null;
      for (;;) {
        measured = await measureMatrix(servers, {
          concurrency: options.concurrency,
          count: COUNT,
          timeoutSeconds: TIMEOUT_SECONDS,
        });
        differing = differingPairs(predicted, measured);
        if (differing.length === 0) {
          convergedAfterMs = Date.now() - start.getTime();
          break;
        }
        if (Date.now() >= deadline || signal?.aborted) break;
        await sleep(500, signal);
      }
      progress(
        convergedAfterMs !== null
          ? `   agrees after ${(convergedAfterMs / 1000).toFixed(1)} s`
          : `   disagrees on ${differing.length} pairs after ${plan.timeline.convergeSeconds} s`,
      );
      phases.push({
        name: phase.name,
        start: start.toISOString(),
        steps: phase.steps,
        predicted: predicted.map(({ from, to, reachable }) => ({ from, to, reachable })),
        measured: measured.map(({ from, to, reachable, rttMs }) => ({ from, to, reachable, rttMs })),
        agrees: differing.length === 0,
        convergedAfterMs,
        differing,
        ...(options.model.wan.emulate === 'none'
          ? {}
          : { rtt: siteRoundTrips(options.model, phase.faults, measured) }),
      });
      await sleep(phase.holdSeconds * 1000, signal);
    }
    if (signal?.aborted) reason = 'interrupted';
  } catch (error) {
    reason = (error as Error).message;
  } finally {
    undoErrors = await undoFaults(context);
  }
  const results: ScenarioResults = {
    scenario: plan.timeline.name,
    environment: options.environment,
    startedAt,
    finishedAt: new Date().toISOString(),
    seed: plan.timeline.seed,
    cutShort: reason !== null || phases.length < plan.phases.length,
    reason: reason ?? (phases.length < plan.phases.length ? 'interrupted' : null),
    restored: undoErrors.length === 0,
    method: `lab (${read.state.prefix}*, routers as Linux), ping -c ${COUNT} -W ${TIMEOUT_SECONDS} from each server's namespace, polled until it equals reach's prediction`,
    phases,
  };
  await writeScenarioResults(options.resultsPath, results);
  return {
    ok: true,
    results,
    undoErrors,
    agrees: !results.cutShort && results.restored && phases.every((phase) => phase.agrees),
  };
}
