// The planner: Model + generated files (+ which secrets and public files exist) -> Plan. Pure:
// it reads no file and reaches no host, so the same input always gives the same plan.
import type { FileSet, Model } from '@geostage/schema';
import { accessSummary } from './access.ts';
import {
  appsPhase,
  cniPhase,
  firstControlPlanePhase,
  labelsPhase,
  loadBalancerPhase,
  otherControlPlanesPhase,
  workersPhase,
} from './cluster.ts';
import { type Context, contextOf, type DraftPhase } from './context.ts';
import type { Phase, Plan, Step } from './plan.ts';
import { routersPhase, tunnelCheckPhase } from './routers.ts';
import { secretStates } from './secret-state.ts';
import { serverNetworkingPhase } from './servers.ts';
import { verificationPhase } from './verification.ts';

/** How many hosts a parallel phase works on at once, unless the caller says otherwise. */
export const DEFAULT_PARALLEL = 8;

export interface PlanInput {
  model: Model;
  /** environments/<env>/generated/network, paths relative to it. */
  network: FileSet;
  /** environments/<env>/generated/cluster, paths relative to it. */
  cluster: FileSet;
  /** Names of the files under environments/<env>/secrets/ (e.g. kubeadm/bootstrap-token); none when left out. */
  secrets?: Iterable<string>;
  /** Names of the files under environments/<env>/public/ (e.g. ca.crt); none when left out. */
  publicFiles?: Iterable<string>;
  /** Hosts at once in parallel phases (default 8). */
  parallel?: number;
}

/** The phase builders, in the order DESIGN.md gives. */
const PHASES: readonly ((context: Context) => DraftPhase)[] = [
  routersPhase,
  tunnelCheckPhase,
  serverNetworkingPhase,
  loadBalancerPhase,
  firstControlPlanePhase,
  otherControlPlanesPhase,
  workersPhase,
  labelsPhase,
  cniPhase,
  appsPhase,
  verificationPhase,
];

export function buildPlan(input: PlanInput): Plan {
  const parallel = input.parallel ?? DEFAULT_PARALLEL;
  if (!Number.isInteger(parallel) || parallel < 1)
    throw new Error(`parallel must be a positive integer, not ${parallel}`);
  const { model } = input;
  const context = contextOf(model, input.network, input.cluster, new Set(input.publicFiles ?? []), parallel);
  const present = new Set(input.secrets ?? []);
  // Secrets made by steps already planned: a later step may count on them.
  const produced = new Map<string, string>();

  const phases = PHASES.map((build): Phase => {
    const draft = build(context);
    const steps = draft.steps.map((step): Step => {
      const secrets = secretStates(
        step.uploads.flatMap((upload) => upload.secrets),
        model.name,
        present,
        produced,
      );
      const missing = secrets.filter((secret) => secret.state === 'missing');
      return {
        phase: draft.name,
        host: step.host,
        role: step.role,
        access: step.access,
        uploads: step.uploads,
        commands: step.commands,
        secrets,
        produces: step.produces ?? [],
        after: step.after ?? [],
        safetyNet: step.safetyNet ?? null,
        notes: step.notes ?? [],
        blocked: [
          ...step.problems,
          ...(missing.length > 0
            ? [`missing secrets: ${missing.map((secret) => secret.name).join(', ')}`]
            : []),
        ],
      };
    });
    for (const step of steps) {
      for (const name of step.produces) produced.set(name, `${step.host} in ${draft.name}`);
    }
    return { name: draft.name, summary: draft.summary, parallel: draft.parallel, notes: draft.notes, steps };
  });

  return { environment: model.name, source: model.source, access: accessSummary(model), phases };
}
