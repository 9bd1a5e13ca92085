// The runner: one phase, every host over its own session, at most `parallel` hosts at once
// (p-map), its actions in order, stopping at the host's first failure. A progress line per host
// and action, a log per host (commands, exit codes, output), and every completed action recorded
// in the apply state file as it completes (atomically), so a rerun skips it. Failures are typed
// values naming host, phase, step and command.
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { assertNoPlaceholders, fillSecrets } from '@geostage/secrets';
import type { Result, Session } from '@geostage/transport';
import pMap from 'p-map';
import writeFileAtomic from 'write-file-atomic';
import { capturedSecret } from '../targets/capture.ts';
import type { Action, HostActions } from './actions.ts';

export const APPLY_STATE_FORMAT = 'geostage-apply';

export interface ApplyState {
  format: typeof APPLY_STATE_FORMAT;
  /** Action id -> when it completed. */
  completed: Record<string, string>;
}

export async function readApplyState(path: string): Promise<ApplyState> {
  const loaded = await loadApplyState(path);
  return loaded.ok ? loaded.state : { format: APPLY_STATE_FORMAT, completed: {} };
}

/** The apply state, empty when there is none; a file that is not one is reported, never silently ignored. */
export async function loadApplyState(
  path: string,
): Promise<{ ok: true; state: ApplyState } | { ok: false; error: string }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return { ok: true, state: { format: APPLY_STATE_FORMAT, completed: {} } };
  }
  try {
    const state = JSON.parse(text) as ApplyState;
    if (
      state?.format === APPLY_STATE_FORMAT &&
      typeof state.completed === 'object' &&
      state.completed !== null
    )
      return { ok: true, state };
  } catch {}
  return {
    ok: false,
    error: `the apply state ${path} is corrupt; remove it to start over (every step then runs again)`,
  };
}

async function writeApplyState(path: string, state: ApplyState): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await writeFileAtomic(path, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
}

/** What went wrong: no connection, a secret missing at upload, an upload or a command that failed. */
export type RuntimeFailureKind = 'connect' | 'secrets' | 'upload' | 'exec' | 'exit' | 'output' | 'capture';

/** A failure on a host, as KubeOne's RuntimeError: where, which step, which command, what it said. */
export interface RuntimeFailure {
  kind: RuntimeFailureKind;
  host: string;
  phase: string;
  /** The action's label; '' when the host could not be reached. */
  step: string;
  /** The command run, or the path uploaded to; '' for connect. */
  command: string;
  /** What the host or the tool said (the tail of the output for a nonzero exit). */
  output: string;
}

/** The line apply prints for a failure: `<host>: <step>: <output>`. */
export function failureMessage(failure: RuntimeFailure): string {
  return failure.kind === 'connect'
    ? `${failure.host}: connect: ${failure.output}`
    : `${failure.host}: ${failure.step}: ${failure.output}`;
}

export interface RunPhaseOptions {
  hosts: HostActions[];
  parallel: number;
  connect(host: HostActions): Promise<Result<Session>>;
  /** Where upload placeholders are filled from. */
  secrets: string;
  statePath: string;
  /** The log file of one host. */
  logPath(host: string): string;
  progress(line: string): void;
  /** Called after each action that succeeded (apply records the lab's new openvpn pids here). */
  afterAction?(host: HostActions, action: Action): Promise<void>;
  /** Aborted: no further action starts; the host's outcome says it was interrupted. */
  signal?: AbortSignal;
  /** How long a `fresh` action keeps trying to connect again (default 60 s). */
  freshDeadlineMs?: number;
}

export interface HostOutcome {
  host: string;
  ran: number;
  skipped: number;
  error: string | null;
  /** The same failure as data. */
  failure: RuntimeFailure | null;
  /** Why the host was not reached at all (not a failure of the host; apply says so at the end). */
  unreachable: string | null;
  /** Set when a signal stopped the host before all its actions ran. */
  interrupted: string | null;
  /** A precondition failed (kubeadm not installed) or a host it waits for failed: not run, and why. */
  notRun: string | null;
  /** Of `ran`, the checks (actions run on every apply): a host whose only runs were checks changed nothing. */
  checks: number;
}

const tail = (text: string, lines = 8) => text.trimEnd().split('\n').slice(-lines).join('\n');

type Failed = { kind: RuntimeFailureKind; output: string };

/** The lines of `output` that hold one of `patterns` (vbash prints "Commit failed" and exits 0). */
function failedLines(output: string, patterns: readonly string[]): string[] {
  return output.split('\n').filter((line) => patterns.some((pattern) => line.includes(pattern)));
}

async function writeSecret(secrets: string, name: string, value: string): Promise<void> {
  const path = join(secrets, name);
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await writeFileAtomic(path, value, { mode: 0o600 });
}

async function perform(session: Session, action: Action, secrets: string): Promise<Failed | null> {
  if (action.kind === 'upload') {
    const filled = await fillSecrets(action.content, secrets);
    if (!filled.ok)
      return { kind: 'secrets', output: `missing secrets ${filled.missing.join(', ')} in ${secrets}` };
    const check = assertNoPlaceholders(filled.content);
    if (!check.ok) return { kind: 'secrets', output: `unfilled ${check.placeholders.join(', ')}` };
    const sent = await session.upload(action.to, filled.content, action.mode);
    return sent.ok ? null : { kind: 'upload', output: sent.error };
  }
  const result = await session.exec(action.command);
  if (!result.ok) return { kind: 'exec', output: result.error };
  const { code, stdout, stderr } = result.value;
  if (code !== 0) {
    // A captured command's output may hold what it prints for the secret: say only the exit code.
    const said = action.capture ? '' : stderr || stdout;
    return { kind: 'exit', output: `exit ${code}${said ? `:\n${tail(said)}` : ''}` };
  }
  const failed = action.failOn ? failedLines(`${stdout}\n${stderr}`, action.failOn) : [];
  if (failed.length > 0)
    return { kind: 'output', output: `exit 0, but the output says it failed:\n${tail(failed.join('\n'))}` };
  if (action.capture) {
    const captured = capturedSecret(action.capture, stdout);
    if (!captured.ok) return { kind: 'capture', output: captured.error };
    await writeSecret(secrets, action.capture.secret, captured.value);
  }
  return null;
}

/** A new connection to the host, tried until it answers or the deadline passes (after a change that may cut it for a moment). */
async function reconnect(host: HostActions, options: RunPhaseOptions): Promise<Result<Session>> {
  const deadline = Date.now() + (options.freshDeadlineMs ?? 60_000);
  for (;;) {
    const connected = await options.connect(host);
    if (connected.ok || Date.now() >= deadline || options.signal?.aborted) return connected;
    await new Promise((done) => setTimeout(done, 1000));
  }
}

/** One action: on the host's session, or over a fresh connection that proves the host still answers. */
async function performOn(
  session: Session,
  host: HostActions,
  action: Action,
  options: RunPhaseOptions,
): Promise<Failed | null> {
  if (action.kind !== 'run' || !action.fresh) return perform(session, action, options.secrets);
  const fresh = await reconnect(host, options);
  if (!fresh.ok) return { kind: 'connect', output: `no fresh connection after the change: ${fresh.error}` };
  try {
    return await perform(fresh.value, action, options.secrets);
  } finally {
    fresh.value.close();
  }
}

/** The actions of one host, over one session, in order; the first failure ends the host. */
async function runActions(
  host: HostActions,
  pending: Action[],
  session: Session,
  outcome: HostOutcome,
  options: RunPhaseOptions,
  record: (action: Action) => Promise<void>,
  write: (line: string) => Promise<void>,
): Promise<void> {
  const say = (line: string) => options.progress(`[${host.phase}] ${host.host}: ${line}`);
  for (const [index, action] of pending.entries()) {
    if (options.signal?.aborted) {
      outcome.interrupted = String(options.signal.reason);
      say(`interrupted (${outcome.interrupted}) before ${action.label}`);
      return;
    }
    const started = Date.now();
    await write(`[${host.phase}] ${action.label}`);
    const failure = await performOn(session, host, action, options);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const counter = `${index + 1 + outcome.skipped}/${host.actions.length}`;
    if (failure && action.kind === 'run' && action.precondition) {
      outcome.notRun = failure.output.replace(/^exit \d+:\n/, '').trim();
      await write(`not run: ${outcome.notRun}`);
      say(`NOT RUN: ${outcome.notRun}`);
      return;
    }
    if (failure) {
      const command = action.kind === 'upload' ? action.to : action.command;
      outcome.failure = { ...failure, host: host.host, phase: host.phase, step: action.label, command };
      outcome.error = failureMessage(outcome.failure);
      await write(`failed: ${failure.output}`);
      say(`${counter} FAILED ${action.label}: ${failure.output}`);
      return;
    }
    await write(`ok in ${seconds} s`);
    say(
      `${counter} ok ${action.label.length > 100 ? `${action.label.slice(0, 97)}...` : action.label} (${seconds} s)`,
    );
    outcome.ran += 1;
    if ('always' in action && action.always) outcome.checks += 1;
    else await record(action);
    await options.afterAction?.(host, action);
  }
}

/** One host: skipped when unreachable or already done, else connected and its pending actions run. */
async function runHost(
  host: HostActions,
  options: RunPhaseOptions,
  state: ApplyState,
  record: (action: Action) => Promise<void>,
): Promise<HostOutcome> {
  const log = options.logPath(host.host);
  await mkdir(dirname(log), { recursive: true, mode: 0o700 });
  const write = (line: string) => appendFile(log, `${new Date().toISOString()} ${line}\n`, { mode: 0o600 });
  const outcome = emptyOutcome(host.host);
  const say = (line: string) => options.progress(`[${host.phase}] ${host.host}: ${line}`);
  if (host.unreachable) {
    outcome.unreachable = host.unreachable;
    say(`NOT RUN: ${host.unreachable}`);
    return outcome;
  }
  const pending = host.actions.filter(
    (action) => ('always' in action && action.always) || !(action.id in state.completed),
  );
  outcome.skipped = host.actions.length - pending.length;
  if (pending.length === 0) {
    say(`all ${host.actions.length} steps completed before; skipped`);
    return outcome;
  }
  if (outcome.skipped > 0) say(`${outcome.skipped} steps completed before; skipped`);
  await write(`[${host.phase}] connecting to ${host.address}`);
  const connected = await options.connect(host);
  if (!connected.ok) {
    outcome.failure = {
      kind: 'connect',
      host: host.host,
      phase: host.phase,
      step: '',
      command: '',
      output: connected.error,
    };
    outcome.error = failureMessage(outcome.failure);
    await write(outcome.error);
    say(`FAILED to connect: ${connected.error}`);
    return outcome;
  }
  try {
    await runActions(host, pending, connected.value, outcome, options, record, write);
    return outcome;
  } finally {
    connected.value.close();
  }
}

export async function runPhase(options: RunPhaseOptions): Promise<HostOutcome[]> {
  const state = await readApplyState(options.statePath);
  // One write at a time: hosts finish actions concurrently.
  let saving = Promise.resolve();
  const record = (action: Action) => {
    state.completed[action.id] = new Date().toISOString();
    saving = saving.then(() => writeApplyState(options.statePath, state));
    return saving;
  };
  // A host waits for the hosts of this phase its `after` names (they come earlier in plan order,
  // so a waiting host never holds the slot one it waits for needs); when one of them did not
  // finish, it is not run.
  const finished = new Map<string, Promise<HostOutcome>>();
  const names = new Set(options.hosts.map((host) => host.host));
  const one = async (host: HostActions): Promise<HostOutcome> => {
    for (const before of (host.after ?? []).filter((name) => names.has(name))) {
      const outcome = await finished.get(before);
      if (!outcome || outcome.failure || outcome.notRun || outcome.unreachable || outcome.interrupted) {
        const why = `${before} did not finish this phase`;
        options.progress(`[${host.phase}] ${host.host}: NOT RUN: ${why}`);
        return { ...emptyOutcome(host.host), notRun: why };
      }
    }
    return runHost(host, options, state, record);
  };
  // Bounded parallelism: at most `parallel` hosts at once, taken in plan order.
  const outcomes = await pMap(
    options.hosts,
    (host) => {
      const started = one(host);
      finished.set(host.host, started);
      return started;
    },
    { concurrency: Math.max(1, options.parallel) },
  );
  await saving;
  return outcomes;
}

function emptyOutcome(host: string): HostOutcome {
  return {
    host,
    ran: 0,
    skipped: 0,
    error: null,
    failure: null,
    unreachable: null,
    interrupted: null,
    notRun: null,
    checks: 0,
  };
}
