// @geostage/apply: changing hosts, k0sctl style. plan/ says, as pure data, what would be
// uploaded and run where, phase by phase; execute/ runs a phase's actions over SSH (bounded
// parallelism, resume state); targets/lab.ts turns a phase into actions the namespace lab can
// run; actions/apply.ts is `apply --lab`: plan -> lab target -> runner. Secrets are filled at upload.

export {
  APPLY_STATE,
  type ApplyFailure,
  type ApplyLabOptions,
  type ApplyLabResult,
  applyLab,
  type HostSummary,
} from './actions/apply.ts';
export { type Action, bindToUploads, type HostActions, runAction, uploadAction } from './execute/actions.ts';
export {
  type ApplyState,
  type HostOutcome,
  loadApplyState,
  type RunPhaseOptions,
  type RuntimeFailure,
  readApplyState,
  runPhase,
} from './execute/runner.ts';
export * from './plan/index.ts';
export { LAB_PHASES, type LabActionsInput, labActions, labReason } from './targets/lab.ts';
