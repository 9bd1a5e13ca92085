// What a scenario should do, phase by phase, without a lab: the timeline's faults as device
// edits, reach's prediction of each faulted network, and the pairs each phase loses and regains.
import { type PredictedPair, pairChanges, predictedPairs, predictReachability } from '@geostage/reach';
import { deviceFaults, type Model, type ScenarioPhase, type ScenarioTimeline } from '@geostage/schema';

export interface PlannedPhase {
  phase: ScenarioPhase;
  predicted: PredictedPair[];
  /** Against the phase before. */
  lost: PredictedPair[];
  regained: PredictedPair[];
}

export interface ScenarioPlan {
  timeline: ScenarioTimeline;
  phases: PlannedPhase[];
}

/** Pure: the timeline, the Model and the generated network files in, the prediction per phase out. */
export function planScenario(
  timeline: ScenarioTimeline,
  model: Model,
  files: ReadonlyMap<string, string>,
): ScenarioPlan {
  const phases: PlannedPhase[] = [];
  let previous: PredictedPair[] | null = null;
  for (const phase of timeline.phases) {
    const predicted = predictedPairs(predictReachability(files, deviceFaults(model, phase.faults)));
    const changes = previous ? pairChanges(previous, predicted) : { lost: [], regained: [] };
    phases.push({ phase, predicted, ...changes });
    previous = predicted;
  }
  return { timeline, phases };
}

const list = (pairs: readonly PredictedPair[], limit: number) => {
  const shown = pairs.slice(0, limit).map((pair) => `${pair.from}->${pair.to}`);
  return `${shown.join(' ')}${pairs.length > limit ? ` ... (${pairs.length - limit} more)` : ''}`;
};

/** The plan as text: one block per phase with its timing, reachable count, pairs lost and regained. */
export function renderPlan(plan: ScenarioPlan, limit = 24): string {
  const { timeline } = plan;
  const lines = [
    `${timeline.environment} / ${timeline.name}: ${plan.phases.length} phases, seed ${timeline.seed}`,
  ];
  for (const planned of plan.phases) {
    const { phase, predicted, lost, regained } = planned;
    const when =
      phase.at === null ? (phase.index === 0 ? 'at start' : 'after converged') : `at ${phase.at} s`;
    const reachable = predicted.filter((pair) => pair.reachable).length;
    lines.push('');
    lines.push(`${phase.index}. ${phase.name} (${when}, hold ${phase.holdSeconds} s)`);
    lines.push(`   reachable ${reachable}/${predicted.length}`);
    if (lost.length > 0) lines.push(`   loses ${lost.length}: ${list(lost, limit)}`);
    if (regained.length > 0) lines.push(`   regains ${regained.length}: ${list(regained, limit)}`);
  }
  return `${lines.join('\n')}\n`;
}
