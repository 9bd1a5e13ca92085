// @geostage/measure: the measured views. The reachability matrix measured from inside the lab's
// servers (results/verify.json, compared with reach's computed matrix) and the WAN per site pair
// (results/wan.json, compared with the Model's expected round trips and rates).
export { type Comparison, compareWithReach, type Disagreement, type TtlDifference } from './compare.ts';
export { type PingOptions, type PingResult, parsePing } from './ping.ts';
export { type IperfResult, parseIperf } from './probes/iperf.ts';
export {
  type Arrival,
  controlPort,
  measurePropagation,
  type PropagationMessage,
  type PropagationOptions,
  type PropagationOutcome,
  type PropagationReport,
  type Publication,
  parseReplicaLog,
  propagationReport,
  renderPropagation,
  type SitePair,
} from './propagation.ts';
export { type MeasuredServer, type MeasureOptions, measureMatrix } from './reachability.ts';
export { type MatrixServer, renderComparison, renderMeasured } from './render.ts';
export { type Sample, type SampledServer, sampleServerPairs, sampleSitePairs } from './sampling.ts';
export { type PlannedPhase, planScenario, renderPlan, type ScenarioPlan } from './scenario-plan.ts';
export {
  differingPairs,
  runScenario,
  type ScenarioRunOptions,
  type ScenarioRunOutcome,
} from './scenarios.ts';
export { median, percentile } from './statistics.ts';
export { type VerifyOptions, type VerifyOutcome, type VerifyRefusal, verifyLab } from './verify.ts';
export {
  comparePair,
  RATE_TOLERANCE,
  RTT_FLOOR_MS,
  RTT_TOLERANCE,
  renderWanMatrix,
  scheduleRounds,
  type WanPairPlan,
  type WanPairResult,
  type WanProbe,
} from './wan.ts';
export {
  IPERF_SECONDS,
  type MeasureWanOptions,
  type MeasureWanOutcome,
  measureWan,
  planWanPairs,
  SAMPLES,
} from './wan-run.ts';
