// The plan, as real hosts run it. Pure: the plan, the generated files it names, the public files
// and the inventory in; per host of one phase, the actions the runner executes over SSH out.
//
// Every host gets the same shape: missing folders made, every upload written beside its path as
// `<path>.geostage-new` and then moved over it in one action (rename is atomic, so a half-written
// file is never live), then the plan's commands, each following its kind: a VyOS commit is read
// for vbash's failure lines (it exits 0 regardless), a confirm runs over a fresh connection, the
// netplan try runs on every apply, the CA hash is captured into secrets/. kubeadm and kubectl
// phases start with a check that says plainly when the tool is not installed.

import type { FileSet, HostAccess as SchemaHostAccess } from '@geostage/schema';
import { kubeadmSecretNames, secretPlaceholder } from '@geostage/secrets';
import { quote } from 'shell-quote';
import {
  type Action,
  bindTogether,
  bindToUploads,
  type HostActions,
  runAction,
  uploadAction,
} from '../execute/actions.ts';
import {
  type Command,
  type PhaseName,
  type Plan,
  STAGED_SUFFIX,
  type Step,
  type Upload,
} from '../plan/index.ts';
import { VYOS_FAIL_ON } from './vyos.ts';

/** How apply reaches one host (inventory.yaml, @geostage/schema): the fields this target reads. */
export type HostAccess = Pick<SchemaHostAccess, 'name' | 'address' | 'port' | 'user' | 'jump' | 'platform'>;

export interface HostActionsInput {
  plan: Plan;
  /** The generated network files the plan names (routers/<name>/..., servers/<name>/netplan.yaml). */
  network: FileSet;
  /** The generated cluster files the plan names (load-balancers/, nodes/, manifests/, cni/). */
  cluster: FileSet;
  /** environments/<env>/public/<name> -> content, for the VyOS 1.2/1.3 certificates and DH parameters. */
  publicFiles?: ReadonlyMap<string, string>;
  inventory: { hosts: ReadonlyMap<string, HostAccess> };
  /** The topology's Kubernetes version, for the message when kubeadm is missing; null without a cluster. */
  kubernetesVersion: string | null;
}

export type HostPhase =
  | {
      ok: true;
      hosts: HostActions[];
      parallel: number;
      /** Steps of the phase that are not host actions, and why (the operator's `geostage verify`). */
      skipped: string[];
    }
  | { ok: false; reason: string };

const KUBEADM_PHASES: readonly PhaseName[] = ['first-control-plane', 'other-control-planes', 'workers'];
const KUBECTL_PHASES: readonly PhaseName[] = ['labels', 'cni', 'apps', 'verification'];
const ADMIN_CONF = '/etc/kubernetes/admin.conf';

/** A check that fails with `message` on stderr unless `test` (a shell condition) holds. */
function check(test: string, message: string): string {
  return `${test} || { echo ${quote([message])} >&2; exit 1; }`;
}

/** The check before a phase's own actions: kubeadm or kubectl must be there. */
function toolCheck(step: Step, version: string | null): { command: string; label: string } | null {
  const wanted = version ? ` ${version}` : '';
  if (KUBEADM_PHASES.includes(step.phase))
    return {
      label: 'check that kubeadm is installed',
      command: check(
        'command -v kubeadm >/dev/null 2>&1',
        `kubeadm is not installed on ${step.host}: install containerd, kubelet and kubeadm${wanted}`,
      ),
    };
  if (KUBECTL_PHASES.includes(step.phase))
    return {
      label: 'check that kubectl and the admin credentials are there',
      command: [
        check(
          'command -v kubectl >/dev/null 2>&1',
          `kubectl is not installed on ${step.host}: install kubectl${wanted}`,
        ),
        check(
          `[ -r ${ADMIN_CONF} ]`,
          `${ADMIN_CONF} is missing on ${step.host}: kubeadm init (the first-control-plane phase) has not run there`,
        ),
      ].join('; '),
    };
  return null;
}

/** The bytes of an upload: a generated or public file, a secret's placeholder (filled at upload), a planner script. */
function contentOf(upload: Upload, input: HostActionsInput): string | null {
  const from = upload.from;
  switch (from.kind) {
    case 'generated': {
      const files = from.folder === 'network' ? input.network : input.cluster;
      return files.find((file) => file.path === from.path)?.content ?? null;
    }
    // The runner fills the placeholder from secrets/ just before upload; the line break keeps
    // the file as it was (filling drops the secret's own final one).
    case 'secret':
      return `${secretPlaceholder(from.name)}\n`;
    case 'public':
      return input.publicFiles?.get(from.name) ?? null;
    case 'script':
      return from.content;
  }
}

function sourceName(upload: Upload): string {
  const from = upload.from;
  if (from.kind === 'generated') return `${from.folder}/${from.path}`;
  if (from.kind === 'public') return `public/${from.name}`;
  return upload.to;
}

const folderOf = (path: string) => path.slice(0, path.lastIndexOf('/')) || '/';

/**
 * Moves every staged upload over its path. A staged file already gone while its path exists
 * means the move ran before and its completion was not recorded (apply stopped in between): that
 * is done, not an error.
 */
export function installCommand(paths: readonly string[]): string {
  return paths
    .map((path) => {
      const staged = `${path}${STAGED_SUFFIX}`;
      return `if [ -e ${quote([staged])} ]; then mv -f ${quote([staged, path])}; elif [ ! -e ${quote([path])} ]; then echo ${quote([`${staged} is missing: it was never uploaded`])} >&2; exit 1; fi`;
    })
    .join('; ');
}

/** One command of the plan as a real host runs it. */
function commandAction(step: Step, command: Command, index: number): Action {
  const base = runAction(step.phase, step.host, command.run, index, command.shown);
  if (base.kind !== 'run') return base;
  const action = { ...base };
  if (command.newConnection) action.fresh = true;
  if (command.kind === 'vyos-commit' || command.kind === 'vyos-confirm') action.failOn = [...VYOS_FAIL_ON];
  // The try is idempotent and notices a reverted try (its file is staged again): it runs on
  // every apply, so a rerun after a revert tries again instead of skipping to the confirm.
  if (command.kind === 'netplan-try' || step.phase === 'tunnel-check') action.always = true;
  if (command.kind === 'ca-cert-hash')
    action.capture = { secret: kubeadmSecretNames.caCertHash, transform: 'sha256-hash' };
  return action;
}

const isVyosStep = (step: Step) => step.commands.some((command) => command.kind === 'vyos-commit');

/** The platform the inventory names, against the rendering the plan holds for a router. */
function platformMismatch(step: Step, access: HostAccess): string | null {
  if (step.phase !== 'routers' || access.platform === null) return null;
  const planned = isVyosStep(step) ? 'vyos' : 'linux';
  if (planned === access.platform) return null;
  return planned === 'vyos'
    ? `${step.host}: the inventory says it runs the Linux rendering, but the plan holds its VyOS configuration: plan from the Linux rendering of the routers`
    : `${step.host}: the inventory says it runs VyOS, but the plan holds its Linux configuration`;
}

function stepActions(step: Step, access: HostAccess, input: HostActionsInput): HostActions | string {
  const host: HostActions = {
    phase: step.phase,
    host: step.host,
    address: access.address,
    actions: [],
    skipped: [],
    unreachable: null,
    via: null,
    after: step.after,
  };
  if (step.blocked.length > 0) return { ...host, unreachable: `blocked: ${step.blocked.join('; ')}` };

  const actions: Action[] = [];
  const index = () => actions.length;
  const tool = toolCheck(step, input.kubernetesVersion);
  if (tool) {
    const action = runAction(step.phase, step.host, tool.command, index(), tool.label);
    if (action.kind === 'run') actions.push({ ...action, always: true, precondition: true });
  }

  const folders = [...new Set(step.uploads.map((upload) => folderOf(upload.to)))].sort();
  // mkdir -p, not install -d: install -d resets the mode of a folder that exists (and the
  // vyos user may not change /config/auth, which VyOS owns).
  if (folders.length > 0)
    actions.push(runAction(step.phase, step.host, `mkdir -p ${quote(folders)}`, index()));
  for (const upload of step.uploads) {
    const content = contentOf(upload, input);
    if (content === null) return `${step.host}: ${sourceName(upload)} is not among the files given to apply`;
    actions.push(uploadAction(step.phase, step.host, `${upload.to}${STAGED_SUFFIX}`, content, upload.mode));
  }
  // nft -c reads the staged ruleset, so a refused one never lands at the path nftables.service loads.
  const checks = step.commands.filter((command) => command.kind === 'check-nftables' && command.file);
  for (const command of checks)
    actions.push(
      runAction(
        step.phase,
        step.host,
        quote(['nft', '-c', '-f', `${command.file}${STAGED_SUFFIX}`]),
        index(),
      ),
    );
  const installed = step.uploads.filter((upload) => !upload.staged).map((upload) => upload.to);
  if (installed.length > 0)
    actions.push(
      runAction(
        step.phase,
        step.host,
        installCommand(installed),
        index(),
        `put ${installed.length} uploaded file${installed.length === 1 ? '' : 's'} in place (mv -f <path>${STAGED_SUFFIX} <path>)`,
      ),
    );
  for (const command of step.commands) {
    if (checks.includes(command)) continue;
    actions.push(commandAction(step, command, index()));
  }
  return { ...host, actions: bindTogether(bindToUploads(actions)) };
}

/** One phase of the plan as real hosts run it, or why it cannot be. */
export function hostActions(phase: PhaseName, input: HostActionsInput): HostPhase {
  const planned = input.plan.phases.find((one) => one.name === phase);
  if (!planned) return { ok: true, hosts: [], parallel: 1, skipped: [] };
  const hosts: HostActions[] = [];
  const skipped: string[] = [];
  for (const step of planned.steps) {
    if (step.access.via === 'operator') {
      skipped.push(
        `${step.commands.map((command) => command.run).join('; ')}: runs on the operator's machine, not on a host (run it after apply)`,
      );
      continue;
    }
    const access = input.inventory.hosts.get(step.host);
    if (!access) return { ok: false, reason: `${step.host} is not in the inventory` };
    const mismatch = platformMismatch(step, access);
    if (mismatch) return { ok: false, reason: mismatch };
    const host = stepActions(step, access, input);
    if (typeof host === 'string') return { ok: false, reason: host };
    hosts.push(host);
  }
  return { ok: true, hosts, parallel: planned.parallel, skipped };
}
