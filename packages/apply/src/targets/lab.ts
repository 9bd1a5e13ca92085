// The plan, as the lab can execute it. The lab's routers share this machine's file system (a
// network namespace is not a container), so every device path moves under the router's own
// root in the lab folder, exactly where `lab up` installed it, and the commands follow: sysctl
// and nftables name the moved files; systemd and networkd, which do not exist inside a
// namespace, are skipped with the reason; restarting the tunnel units restarts the lab's own
// openvpn processes. Pure: the plan, the generated files it names and the lab's inventory in,
// actions per host out. Each command's kind and file come with the plan (plan/linux.ts).
import { type InventoryRouter, type LabInventory, labInstalledFile } from '@geostage/lab';
import type { FileSet } from '@geostage/schema';
import { quote } from 'shell-quote';
import { type Action, bindToUploads, type HostActions, runAction, uploadAction } from '../execute/actions.ts';
import type { Command, CommandKind, PhaseName, Plan, Step } from '../plan/index.ts';

/** Phases the lab can execute, and why the others cannot. */
export const LAB_PHASES: readonly PhaseName[] = ['routers', 'tunnel-check'];

export function labReason(phase: PhaseName): string {
  if (phase === 'server-networking')
    return 'the lab servers are namespaces whose addresses lab up sets with ip; netplan cannot apply inside a namespace and they run no sshd';
  if (phase === 'verification') return 'run geostage verify <env> against the lab instead';
  return 'the lab servers are bare network namespaces: no kubeadm, kubelet, container runtime or HAProxy runs in them';
}

export interface LabActionsInput {
  plan: Plan;
  /** The generated network files the plan uploads (the Linux flavour the lab runs). */
  network: FileSet;
  /** What the lab published when it came up. */
  inventory: LabInventory;
}

/** Restarts one of the lab's openvpn processes: stops the one its pid file names (if it is still an openvpn), starts it again. */
function restartTunnel(command: readonly string[], pidFile: string): string {
  // lab up runs it as `ip netns exec <ns> openvpn ...`; over SSH we are already in the namespace.
  const openvpn = command.slice(command.indexOf('openvpn'));
  return [
    `pid=$(cat ${quote([pidFile])} 2>/dev/null)`,
    'if [ -n "$pid" ] && grep -q openvpn /proc/$pid/cmdline 2>/dev/null; then kill $pid; for i in $(seq 50); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done; fi',
    quote(openvpn),
  ].join('; ');
}

/** The words of a command that reads one file, whose path the lab moves under the router's root. */
const READS_FILE: Partial<Record<CommandKind, string[]>> = {
  'load-sysctl': ['sysctl', '-p'],
  'check-nftables': ['nft', '-c', '-f'],
  'load-nftables': ['nft', '-f'],
};

/** One command of the plan as the lab runs it: actions, or why it is skipped. */
function labCommand(
  step: Step,
  command: Command,
  router: InventoryRouter,
  index: () => number,
): Action[] | string {
  const words = command.kind ? READS_FILE[command.kind] : undefined;
  if (words && command.file)
    return [runAction(step.phase, step.host, quote([...words, `${router.root}${command.file}`]), index())];
  if (command.kind === 'restart-tunnels')
    return router.tunnels.map((tunnel) =>
      runAction(
        step.phase,
        step.host,
        restartTunnel(tunnel.command, tunnel.pidFile),
        index(),
        `restart openvpn ${tunnel.interface} (${tunnel.tunnel}) with the uploaded configuration`,
      ),
    );
  if (command.kind === 'systemd') return `${command.run}: no systemd in a namespace (lab up did its part)`;
  const action = runAction(step.phase, step.host, command.run, index(), command.shown);
  // A check is run on every apply: a rerun that skips everything still sees the tunnels up.
  return [step.phase === 'tunnel-check' && action.kind === 'run' ? { ...action, always: true } : action];
}

function routerActions(step: Step, input: LabActionsInput): HostActions | string {
  const router = input.inventory.routers.find((one) => one.name === step.host);
  if (!router) return `${step.host}: not in the lab`;
  const network = new Map(input.network.map((file) => [file.path, file]));
  const actions: Action[] = [];
  const skipped: string[] = [];
  const folders = new Set<string>();
  const uploads: Action[] = [];
  const base = `routers/${step.host}/`;
  for (const upload of step.uploads) {
    const source = upload.from.kind === 'generated' ? network.get(upload.from.path) : undefined;
    const installed = source?.path.startsWith(base)
      ? labInstalledFile(step.host, source.path.slice(base.length), source.content, upload.mode)
      : null;
    if (!installed) {
      skipped.push(
        `${upload.to}: not used in the lab (LAN addresses are set by lab up with ip; no systemd in a namespace)`,
      );
      continue;
    }
    const to = `${router.root}${upload.to}`;
    folders.add(to.slice(0, to.lastIndexOf('/')));
    uploads.push(uploadAction(step.phase, step.host, to, installed.content, upload.mode));
  }
  if (folders.size > 0)
    actions.push(runAction(step.phase, step.host, `mkdir -p -m 0700 ${quote([...folders].sort())}`, 0));
  actions.push(...uploads);
  for (const command of step.commands) {
    const translated = labCommand(step, command, router, () => actions.length);
    if (typeof translated === 'string') skipped.push(translated);
    else for (const action of translated) actions.push(action);
  }
  return {
    phase: step.phase,
    host: step.host,
    address: router.ssh?.address ?? router.wan.split('/')[0]!,
    actions: bindToUploads(actions),
    skipped,
    unreachable:
      router.natAddress && !router.ssh?.via
        ? `behind NAT (the underlay sees ${router.natAddress}) and no hub's tunnel leads to it`
        : null,
    via: router.ssh?.via ?? null,
  };
}

/** One phase of the plan as the lab runs it, or why it cannot. */
export function labActions(
  phase: PhaseName,
  input: LabActionsInput,
): { ok: true; hosts: HostActions[]; parallel: number } | { ok: false; reason: string } {
  if (!LAB_PHASES.includes(phase)) return { ok: false, reason: labReason(phase) };
  const planned = input.plan.phases.find((one) => one.name === phase);
  if (!planned) return { ok: true, hosts: [], parallel: 1 };
  const hosts: HostActions[] = [];
  for (const step of planned.steps) {
    const host = routerActions(step, input);
    if (typeof host === 'string') return { ok: false, reason: host };
    hosts.push(host);
  }
  return { ok: true, hosts, parallel: planned.parallel };
}
