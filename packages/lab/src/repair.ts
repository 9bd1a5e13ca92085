// `lab up` on a damaged lab: what can be mended is mended in place, and said: a tunnel that does
// not work has both its openvpn ends restarted from the recorded command (their new pids
// recorded at once), a dead or silent sshd is started again. A missing namespace or a dead WAN
// wire is beyond repair here: the caller says to run lab down and lab up.
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { startTunnel, waitForTunnels } from './machines/bare.ts';
import { stopLabProcess } from './processes.ts';
import { startSshd } from './sshd.ts';
import { type LabState, labFolder, writeState } from './state.ts';
import { type LabHealth, labHealth } from './status.ts';
import { wanProblems } from './wan/lab.ts';
import type { LabTunnelProcess } from './wiring/wiring.ts';

export type RepairResult = { ok: true; repaired: string[] } | { ok: false; error: string };

/** The recorded command of one tunnel end, as `lab up` started it (from the inventory). */
function tunnelProcess(state: LabState, router: string, device: string): LabTunnelProcess | null {
  const found = state.inventory?.routers
    .find((one) => one.name === router)
    ?.tunnels.find((one) => one.interface === device);
  const recorded = state.processes.find((one) => one.router === router && one.interface === device);
  if (!found || !recorded?.pidFile) return null;
  return {
    router,
    namespace: recorded.namespace,
    interface: device,
    tunnel: recorded.tunnel,
    command: found.command,
    log: recorded.log,
    pidFile: recorded.pidFile,
  };
}

/** Restarts both ends of each broken tunnel; the names of the tunnels restarted. */
async function repairTunnels(
  state: LabState,
  health: LabHealth,
  progress: (line: string) => void,
): Promise<string[]> {
  const lab = labFolder(state.folder);
  const broken = [...new Set(health.tunnels.filter((one) => one.problem).map((one) => one.tunnel))];
  const restarted: LabTunnelProcess[] = [];
  for (const name of broken) {
    const ends = state.processes
      .filter((one) => one.tunnel === name)
      .map((end) => {
        const tunnel = tunnelProcess(state, end.router, end.interface);
        if (!tunnel)
          throw new Error(`tunnel ${name} at ${end.router}: no recorded command to restart it with`);
        return { end, tunnel };
      });
    // Both ends stop before either starts: a new end that meets the old other end begins a
    // handshake with a process about to die and waits out OpenVPN's hand-window (60 s) for it.
    for (const { end, tunnel } of ends) {
      await stopLabProcess(end.pid, lab);
      // And whatever its pid file names: an openvpn started since (by apply or by hand) holds the port.
      const named = Number.parseInt(await readFile(join(lab, tunnel.pidFile), 'utf8').catch(() => ''), 10);
      if (Number.isInteger(named)) await stopLabProcess(named, lab);
      await rm(join(lab, tunnel.log), { force: true });
      await rm(join(lab, tunnel.pidFile), { force: true });
    }
    for (const { end, tunnel } of ends) {
      const started = await startTunnel(lab, tunnel);
      end.pid = started.pid;
      await writeState(state.folder, state);
      restarted.push(tunnel);
    }
    progress(`repair: tunnel ${name} was broken; restarted both ends`);
  }
  if (restarted.length > 0) await waitForTunnels(lab, restarted, 30_000);
  return broken;
}

export async function repairLab(
  state: LabState,
  health: LabHealth,
  progress: (line: string) => void,
): Promise<RepairResult> {
  if (health.missingNamespaces.length > 0)
    return { ok: false, error: `namespaces missing: ${health.missingNamespaces.join(', ')}` };
  const wan = wanProblems(state.wan);
  if (wan.length > 0) return { ok: false, error: wan.join('; ') };
  if (state.access && health.problems.some((problem) => problem.startsWith('operator namespace')))
    return { ok: false, error: `operator namespace ${state.access.namespace} missing` };
  const repaired: string[] = [];
  try {
    for (const tunnel of await repairTunnels(state, health, progress)) repaired.push(`tunnel ${tunnel}`);
    const lab = labFolder(state.folder);
    for (const sshd of state.access?.sshd.filter((one) => health.sshdDown.includes(one.router)) ?? []) {
      await stopLabProcess(sshd.pid, lab, 3000, 'sshd');
      await rm(join(lab, sshd.log), { force: true });
      sshd.pid = await startSshd(lab, sshd);
      await writeState(state.folder, state);
      progress(`repair: sshd of ${sshd.router} was not answering; started again`);
      repaired.push(`sshd ${sshd.router}`);
    }
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
  const after = await labHealth(state);
  if (!after.healthy) return { ok: false, error: `still broken after repair: ${after.problems.join('; ')}` };
  return { ok: true, repaired };
}
