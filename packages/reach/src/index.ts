// @geostage/reach: reads the generated device files back like a device would and computes
// which servers reach which, before and after the VPN. Depends on no other geostage package.
export { type Prefix, formatAddress, formatPrefix, parseAddress, parsePrefix } from './address.ts';
export type { Device, Warning } from './device.ts';
export { parseDevices } from './devices.ts';
export { type GeneratedFiles, readGeneratedNetwork } from './files.ts';
export { computeReachability } from './reachability.ts';
export {
  INITIAL_TTL,
  type Matrix,
  type Outcome,
  outcome,
  type ReachReport,
  type Reason,
  REPORT_FORMAT,
  REPORT_VERSION,
  reachabilityByName,
  type ReportGroup,
  type ReportServer,
  type ReportTunnel,
  type View,
} from './report.ts';
