// @geostage/measure: the measured view. The reachability matrix measured from inside the lab's
// servers, written to results/verify.json and compared with reach's computed matrix.
export { type Comparison, compareWithReach, type Disagreement, type TtlDifference } from './compare.ts';
export { median, type PingOptions, type PingResult, parsePing, ping, pingCommand } from './ping.ts';
export { type MeasuredServer, type MeasureOptions, measureMatrix } from './reachability.ts';
export { type MatrixServer, renderComparison, renderMeasured } from './render.ts';
export { type PlannedPhase, planScenario, renderPlan, type ScenarioPlan } from './scenario-plan.ts';
export {
  differingPairs,
  runScenario,
  type ScenarioRunOptions,
  type ScenarioRunOutcome,
} from './scenarios.ts';
export { type VerifyOptions, type VerifyOutcome, verifyLab } from './verify.ts';
