// The planning half of apply: what would be uploaded and run, per phase and host.
export { describeAccess, entryRouter } from './access.ts';
export { CA_CERT_HASH, KUBEADM_PATH, MANIFESTS_DIR, UPSTREAM_CNI } from './cluster.ts';
export {
  type Access,
  blockedSteps,
  type Command,
  type CommandKind,
  isPhaseName,
  missingSecrets,
  PHASE_NAMES,
  type Phase,
  type PhaseName,
  type Plan,
  type SecretState,
  type Source,
  STAGED_SUFFIX,
  type Step,
  type Upload,
} from './plan.ts';
export { buildPlan, DEFAULT_PARALLEL, type PlanInput } from './planner.ts';
export { readPlanInput } from './read.ts';
export { planCounts, renderPlan } from './render.ts';
export { NETPLAN_PATH, NETPLAN_TRY_PATH, NETPLAN_TRY_SECONDS } from './servers.ts';
export { CONFIRM_MINUTES, VYOS_DIR } from './vyos.ts';
