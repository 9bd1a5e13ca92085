// What apply executes on one host in one phase: a list of actions (upload this text there with
// this mode, run this command), each with an id that names its phase, host and content, so a
// rerun can skip what already completed and redo what changed.
import { createHash } from 'node:crypto';

export type Action =
  | { id: string; kind: 'upload'; label: string; to: string; content: string; mode: number }
  | {
      id: string;
      kind: 'run';
      label: string;
      command: string;
      /** A check (the tunnel pings): run on every apply, never "completed before". */
      always?: true;
      /** Run over a new SSH connection (retried until the host answers or the deadline): proves the host is still reachable after the change. */
      fresh?: true;
      /** Output substrings that mean failure although the exit code is 0 (vbash: "Set failed", "Commit failed"); the lines are the failure's output. */
      failOn?: string[];
      /**
       * The command prints a secret apply keeps: on exit 0 the runner passes stdout to
       * `capturedSecret(capture, stdout)` and, when ok, writes the value to
       * `<secrets>/<capture.secret>` (0600, folder 0700, atomically); its output is never logged.
       */
      capture?: Capture;
      /**
       * A precondition (kubeadm installed, admin credentials present): when it fails the host's
       * phase is not run, with its output as the reason, rather than failed; it still counts
       * against the run (exit 3), never as done.
       */
      precondition?: true;
    };

/** How a command's output becomes a secret (targets/capture.ts). */
export interface Capture {
  secret: string;
  transform: 'sha256-hash';
}

export interface HostActions {
  phase: string;
  host: string;
  /** The address apply connects to (SSH, port 22). */
  address: string;
  actions: Action[];
  /** What the plan asks that is not done here, and why. */
  skipped: string[];
  /** Why the host cannot be reached at all (e.g. behind NAT); the host is skipped. */
  unreachable: string | null;
  /** Reached through this host's tunnel (behind NAT): it runs after the others, once the tunnel is up. */
  via?: string | null;
  /** Hosts of the same phase that must finish first (the plan's `after`: a router behind NAT after the entry router). */
  after?: string[];
}

const digest = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 12);

/** `routers/vyos01/upload:/etc/nftables.conf@<sha>`: same text, same id. */
export function uploadAction(phase: string, host: string, to: string, content: string, mode: number): Action {
  return {
    id: `${phase}/${host}/upload:${to}@${digest(`${mode.toString(8)}\n${content}`)}`,
    kind: 'upload',
    label: `upload ${to} (${mode.toString(8).padStart(4, '0')})`,
    to,
    content,
    mode,
  };
}

export function runAction(
  phase: string,
  host: string,
  command: string,
  index: number,
  label = command,
): Action {
  return { id: `${phase}/${host}/run#${index}:${digest(command)}`, kind: 'run', label, command };
}

/**
 * A command acts on what its host and phase upload: `nft -f` of a changed file must run again
 * even though its text is the same. Every run action's id gains the digest of the uploads
 * (their ids carry their content), so a change to any of them reruns the host's commands.
 */
export function bindToUploads(actions: readonly Action[]): Action[] {
  const uploads = actions.filter((action) => action.kind === 'upload').map((action) => action.id);
  if (uploads.length === 0) return [...actions];
  const content = digest(uploads.join('\n'));
  return actions.map((action) =>
    action.kind === 'run' ? { ...action, id: `${action.id}+${content}` } : action,
  );
}

/**
 * On real hosts an upload lands beside its path and a later action moves it in place: when any
 * action of the host and phase runs again, its uploads must run again too, or the move and the
 * checks of the staged files find nothing. Every action's id gains the digest of all of them.
 */
export function bindTogether(actions: readonly Action[]): Action[] {
  if (actions.length === 0) return [];
  const all = digest(actions.map((action) => action.id).join('\n'));
  return actions.map((action) => ({ ...action, id: `${action.id}&${all}` }));
}
