// @geostage/reach: reads the generated device files back like a device would and computes
// which servers reach which, before and after the VPN. Depends on no other geostage package.
export { formatAddress, formatPrefix, type Prefix, parseAddress, parsePrefix } from './address.ts';
export type { Device, Warning } from './device.ts';
export { parseDevices } from './devices.ts';
export {
  type ChangeKind,
  changedPairs,
  diffReports,
  type ReachChange,
  type ReachDiff,
  renderDiff,
} from './diff.ts';
export { type GeneratedFiles, readGeneratedNetwork } from './files.ts';
export { computeReachability } from './reachability.ts';
export { type RenderOptions, renderMatrix } from './render.ts';
export {
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
} from './report.ts';
export { diffAtRevisions, readGeneratedNetworkAtRevision } from './revision.ts';
