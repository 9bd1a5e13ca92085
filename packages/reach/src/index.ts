// @geostage/reach: reads the generated device files back like a device would and computes
// which servers reach which, before and after the VPN. Depends on no other geostage package.
export { formatAddress, formatPrefix, type Prefix, parseAddress, parsePrefix } from './address.ts';
export type { Device, Warning } from './device.ts';
export { parseDevices } from './read/devices.ts';
export { type GeneratedFiles, readGeneratedNetwork } from './read/files.ts';
export type { InterfaceReading, InterfaceSettings } from './read/interfaces.ts';
export { readNetplanInterfaces } from './read/netplan.ts';
export { readNetworkdInterfaces } from './read/networkd.ts';
export { readGeneratedNetworkAtRevision } from './read/revision.ts';
export {
  type ChangeKind,
  changedPairs,
  diffReports,
  type ReachChange,
  type ReachDiff,
  renderDiff,
} from './report/diff.ts';
export {
  ReportFormatError,
  readReportJson,
  reportJson,
  STEP_FIELDS,
  writeReportJson,
} from './report/json.ts';
export { type RenderOptions, renderMatrix } from './report/render.ts';
export {
  everyCell,
  type Fate,
  groupIndex,
  groupOutcome,
  INITIAL_TTL,
  type Matrix,
  type Outcome,
  outcome,
  REPORT_FORMAT,
  REPORT_VERSION,
  type ReachReport,
  type Reason,
  type ReportGroup,
  type ReportServer,
  type ReportTunnel,
  reachabilityByName,
  type View,
} from './report/report.ts';
export {
  MAX_GROUPS,
  ReachLimitError,
  type RouteRuns,
  type RunHost,
  RunMatrix,
  RunTableError,
  type RunTables,
  type Step,
} from './report/runs.ts';
export { diffAtRevisions } from './review.ts';
export {
  applyFaults,
  type Faults,
  type PredictedPair,
  type Prediction,
  pairChanges,
  predictedOutcome,
  predictedPairs,
  predictReachability,
} from './simulate/faults.ts';
export { computeReachability } from './simulate/reachability.ts';
