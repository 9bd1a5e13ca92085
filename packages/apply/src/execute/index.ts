// Executing the plan. For now only in the lab (apply --lab): routers and tunnel check over SSH.
export { type Action, type HostActions, runAction, uploadAction } from './actions.ts';
export { APPLY_STATE, type ApplyLabOptions, type ApplyLabResult, applyLab } from './apply-lab.ts';
export { LAB_PHASES, type LabActionsInput, labActions, labReason } from './lab.ts';
export { type ApplyState, type HostOutcome, type RunPhaseOptions, readApplyState, runPhase } from './run.ts';
