// @geostage/apply: changing hosts, k0sctl style. plan/ says, as pure data, what would be
// uploaded and run where, phase by phase; execute/ runs a phase's actions over SSH (bounded
// parallelism, resume state); targets/lab.ts turns a phase into actions the namespace lab can
// run, targets/hosts.ts into actions real hosts run; actions/apply.ts is `apply --lab`: plan ->
// lab target -> runner; actions/hosts.ts is apply on real hosts: inventory -> plan -> hosts
// target -> runner. Secrets are filled at upload.

export {
  APP_VERBS,
  type AppFailureKind,
  type AppOptions,
  type AppResult,
  type AppVerb,
  environmentKubeconfig,
  isAppVerb,
  runApp,
} from './actions/app.ts';
export {
  APPLY_STATE,
  type ApplyFailure,
  type ApplyLabOptions,
  type ApplyLabResult,
  applyLab,
  type HostSummary,
} from './actions/apply.ts';
export {
  type ApplyHostsFailure,
  type ApplyHostsOptions,
  type ApplyHostsResult,
  applyHosts,
  hostsStateFolder,
} from './actions/hosts.ts';
export {
  APPLICATION_KINDS,
  managedSelector,
  pruneSelection,
  type Rollout,
  rolloutOf,
  withManagedLabel,
} from './app/cluster.ts';
export { type LabReplicaInput, type LabReplicaPlan, labReplicas } from './app/lab-replicas.ts';
export {
  type ApplicationManifests,
  applicationsFromDocuments,
  type ManifestApplication,
  type ManifestSite,
  readApplicationManifests,
} from './app/manifests.ts';
export { type AppStatus, renderAppStatus, type SiteStatus } from './app/status.ts';
export {
  type Action,
  bindToUploads,
  type Capture,
  type HostActions,
  runAction,
  uploadAction,
} from './execute/actions.ts';
export {
  type ApplyState,
  type HostOutcome,
  loadApplyState,
  type RunPhaseOptions,
  type RuntimeFailure,
  readApplyState,
  runPhase,
} from './execute/runner.ts';
export * from './export/index.ts';
export * from './plan/index.ts';
export { type CapturedSecret, capturedSecret } from './targets/capture.ts';
export { type HostActionsInput, type HostPhase, hostActions } from './targets/hosts.ts';
export { LAB_PHASES, type LabActionsInput, labActions, labReason } from './targets/lab.ts';
export { VYOS_FAIL_ON, type VyosOutcome, vyosOutcome } from './targets/vyos.ts';
