// verify: the reachability matrix measured from inside the lab's servers, against reach's.
export { type Comparison, compareWithReach, type Disagreement, type TtlDifference } from './compare.ts';
export { type MeasuredServer, type MeasureOptions, measureMatrix } from './measure.ts';
export { median, type PingOptions, type PingResult, parsePing, ping, pingCommand } from './ping.ts';
export { type MatrixServer, renderComparison, renderMeasured } from './render.ts';
