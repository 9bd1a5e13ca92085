// The last phase: the cluster reports every node Ready, and the reachability matrix measured
// from inside the servers matches the one computed from the generated files.
import { serverAccess } from './access.ts';
import { KUBECTL } from './cluster.ts';
import type { Context, DraftPhase, DraftStep } from './context.ts';
import { shellWord } from './shell.ts';

export function verificationPhase(context: Context): DraftPhase {
  const { model } = context;
  const steps: DraftStep[] = [];
  const kubernetes = model.kubernetes;
  const first = kubernetes && model.servers.find((server) => server.name === kubernetes.firstControlPlane);
  if (first) {
    steps.push({
      host: first.name,
      role: 'kubectl on the first control plane',
      access: serverAccess(model, first),
      uploads: [],
      commands: [{ run: `${KUBECTL} wait --for=condition=Ready nodes --all --timeout=10m` }],
      problems: [],
    });
  }
  steps.push({
    host: 'operator',
    role: 'the operator',
    access: { via: 'operator' },
    uploads: [],
    commands: [
      {
        run: `geostage verify ${shellWord(model.name)}`,
        note: 'measures reachability from inside the servers and compares it with geostage reach',
      },
    ],
    problems: [],
  });
  return {
    name: 'verification',
    summary: 'every node Ready; measured reachability equals the computed one',
    parallel: 1,
    notes: [],
    steps,
  };
}
