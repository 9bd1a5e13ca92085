// The plan as people read it: one block per phase, one row per host (containerlab's table,
// k0sctl's phases), what is uploaded and run under each row, then what blocks the plan.
import { describeAccess } from './access.ts';
import {
  blockedSteps,
  missingSecrets,
  type Phase,
  type Plan,
  type SecretState,
  type Source,
  type Step,
} from './plan.ts';

function sourceText(source: Source): string {
  switch (source.kind) {
    case 'generated':
      return `${source.folder}/${source.path}`;
    case 'secret':
      return `secrets/${source.name}`;
    case 'public':
      return `public/${source.name}`;
    case 'script':
      return `(plan) ${source.name}`;
  }
}

function secretText(secret: SecretState): string {
  switch (secret.state) {
    case 'present':
      return `${secret.name} (present)`;
    case 'produced':
      return `${secret.name} (made by ${secret.by})`;
    case 'missing':
      return `${secret.name} (MISSING)`;
  }
}

const pad = (text: string, width: number) => text.padEnd(width);
const count = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function stepLines(step: Step): string[] {
  const lines: string[] = [];
  const width = Math.max(0, ...step.uploads.map((upload) => sourceText(upload.from).length));
  for (const upload of step.uploads) {
    lines.push(
      `      upload  ${pad(sourceText(upload.from), width)} -> ${upload.to} ${upload.mode.toString(8).padStart(4, '0')}`,
    );
  }
  for (const command of step.commands) {
    lines.push(`      run     ${command.run}`);
    const notes = [
      ...(command.newConnection ? ['over a fresh SSH connection'] : []),
      ...(command.note ? [command.note] : []),
    ];
    if (notes.length > 0) lines.push(`              # ${notes.join('; ')}`);
  }
  if (step.secrets.length > 0) lines.push(`      secrets ${step.secrets.map(secretText).join(', ')}`);
  if (step.produces.length > 0) lines.push(`      makes   ${step.produces.join(', ')}`);
  if (step.after.length > 0) lines.push(`      after   ${step.after.join(', ')}`);
  if (step.safetyNet) lines.push(`      safety  ${step.safetyNet}`);
  for (const note of step.notes) lines.push(`      note    ${note}`);
  for (const reason of step.blocked) lines.push(`      BLOCKED ${reason}`);
  return lines;
}

function phaseLines(phase: Phase, index: number, total: number): string[] {
  const order = phase.parallel === 1 ? 'one at a time' : `parallel ${phase.parallel}`;
  const lines = [`[${index + 1}/${total}] ${phase.name}: ${phase.summary} (${order})`];
  for (const note of phase.notes) lines.push(`  note: ${note}`);
  if (phase.steps.length === 0) {
    lines.push('  (nothing to do)');
    return lines;
  }
  const hostWidth = Math.max(4, ...phase.steps.map((step) => step.host.length));
  const accessWidth = Math.max(6, ...phase.steps.map((step) => describeAccess(step.access).length));
  lines.push(`  ${pad('HOST', hostWidth)}  ${pad('ACCESS', accessWidth)}  STATUS   ROLE`);
  for (const step of phase.steps) {
    const status = step.blocked.length > 0 ? 'blocked' : 'ready';
    lines.push(
      `  ${pad(step.host, hostWidth)}  ${pad(describeAccess(step.access), accessWidth)}  ${pad(status, 7)}  ${step.role}`,
    );
    lines.push(...stepLines(step));
  }
  return lines;
}

/** Counts of a plan (or of the phases shown). */
export function planCounts(phases: readonly Phase[]): {
  steps: number;
  hosts: number;
  uploads: number;
  commands: number;
  blocked: number;
} {
  const steps = phases.flatMap((phase) => phase.steps);
  return {
    steps: steps.length,
    hosts: new Set(steps.map((step) => step.host)).size,
    uploads: steps.reduce((sum, step) => sum + step.uploads.length, 0),
    commands: steps.reduce((sum, step) => sum + step.commands.length, 0),
    blocked: steps.filter((step) => step.blocked.length > 0).length,
  };
}

/** The whole text: header, access, each phase, then the blocked steps and the secrets to create. */
export function renderPlan(plan: Plan): string {
  const counts = planCounts(plan.phases);
  const lines = [
    `${plan.environment}: ${count(plan.phases.length, 'phase')}, ${count(counts.steps, 'step')} on ${count(counts.hosts, 'host')}, ${count(counts.uploads, 'upload')}, ${count(counts.commands, 'command')}, ${counts.blocked} blocked (from ${plan.source})`,
    ...plan.access.map((sentence) => `  ${sentence}`),
    '',
  ];
  plan.phases.forEach((phase, index) => {
    lines.push(...phaseLines(phase, index, plan.phases.length), '');
  });
  const blocked = blockedSteps(plan);
  if (blocked.length === 0) {
    lines.push('Nothing is blocked.');
  } else {
    lines.push(`Blocked: ${count(blocked.length, 'step')}`);
    for (const step of blocked) lines.push(`  ${step.phase} ${step.host}: ${step.blocked.join('; ')}`);
    const missing = missingSecrets(plan);
    if (missing.length > 0) {
      const width = Math.max(...missing.map((secret) => secret.name.length));
      lines.push('Missing secrets, and how to make them:');
      for (const secret of missing) lines.push(`  ${pad(secret.name, width)}  ${secret.hint}`);
    }
  }
  lines.push(
    '',
    'This is a plan: nothing was uploaded or run. `geostage apply <env> --lab` runs its router and tunnel-check phases in the lab; the other phases are planned only.',
  );
  return `${lines.join('\n')}\n`;
}
