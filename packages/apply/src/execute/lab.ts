// The plan, as the lab can execute it. The lab's routers share this machine's file system (a
// network namespace is not a container), so every device path moves under the router's own
// root in the lab folder, exactly where `lab up` installed it, and the commands follow: sysctl
// and nftables name the moved files; systemd and networkd, which do not exist inside a
// namespace, are skipped with the reason; restarting the tunnel units restarts the lab's own
// openvpn processes. Pure: the plan, the lab's plan and state in, actions per host out.
import type { LabPlan, LabState } from '../lab/index.ts';
import { routerRoot } from '../lab/plan.ts';
import type { Plan, PhaseName, Step } from '../plan/index.ts';
import { type Action, type HostActions, runAction, uploadAction } from './actions.ts';

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
  lab: LabPlan;
  state: LabState;
  /** Absolute lab folder (environments/<env>/.lab). */
  folder: string;
}

const quote = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;

/** Restarts one of the lab's openvpn processes: stops the one its pid file names (if it is still an openvpn), starts it again. */
function restartTunnel(command: string[], pidFile: string): string {
  // lab up runs it as `ip netns exec <ns> openvpn ...`; over SSH we are already in the namespace.
  const openvpn = command.slice(command.indexOf('openvpn'));
  return [
    `pid=$(cat ${quote(pidFile)} 2>/dev/null)`,
    'if [ -n "$pid" ] && grep -q openvpn /proc/$pid/cmdline 2>/dev/null; then kill $pid; for i in $(seq 50); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done; fi',
    openvpn.map(quote).join(' '),
  ].join('; ');
}

function routerActions(step: Step, input: LabActionsInput): HostActions | string {
  const { lab, folder } = input;
  const root = `${folder}/${routerRoot(step.host)}`;
  const router = lab.routers.find((one) => one.name === step.host);
  if (!router) return `${step.host}: not in the lab`;
  const actions: Action[] = [];
  const skipped: string[] = [];
  const installed = new Map(lab.files.map((file) => [file.path, file]));
  const folders = new Set<string>();
  const uploads: Action[] = [];
  for (const upload of step.uploads) {
    const file = installed.get(`${routerRoot(step.host)}${upload.to}`);
    if (!file) {
      skipped.push(
        `${upload.to}: not used in the lab (LAN addresses are set by lab up with ip; no systemd in a namespace)`,
      );
      continue;
    }
    const to = `${root}${upload.to}`;
    folders.add(to.slice(0, to.lastIndexOf('/')));
    uploads.push(uploadAction(step.phase, step.host, to, file.content, upload.mode));
  }
  if (folders.size > 0)
    actions.push(
      runAction(step.phase, step.host, `mkdir -p -m 0700 ${[...folders].sort().map(quote).join(' ')}`, 0),
    );
  actions.push(...uploads);
  const tunnels = lab.tunnels.filter((tunnel) => tunnel.router === step.host);
  for (const command of step.commands) {
    const text = command.run;
    const moved = text.match(/^(sysctl -p|nft -c -f|nft -f) (\/\S+)$/);
    if (moved) {
      actions.push(
        runAction(step.phase, step.host, `${moved[1]} ${quote(`${root}${moved[2]}`)}`, actions.length),
      );
    } else if (text === 'systemctl restart geostage-tunnels.target') {
      for (const tunnel of tunnels)
        actions.push(
          runAction(
            step.phase,
            step.host,
            restartTunnel(tunnel.command, `${folder}/${tunnel.pidFile}`),
            actions.length,
            `restart openvpn ${tunnel.interface} (${tunnel.tunnel}) with the uploaded configuration`,
          ),
        );
    } else if (/^(systemctl|networkctl) /.test(text)) {
      skipped.push(`${text}: no systemd in a namespace (lab up did its part)`);
    } else {
      actions.push(runAction(step.phase, step.host, text, actions.length));
    }
  }
  return {
    phase: step.phase,
    host: step.host,
    address: router.wan.split('/')[0]!,
    actions,
    skipped,
    unreachable: router.natAddress
      ? `behind NAT (the underlay sees ${router.natAddress}); apply reaches it only through its hub's tunnel, which the lab does not do yet`
      : null,
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
