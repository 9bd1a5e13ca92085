// `lab status`: whether what the state file records is still there: namespaces, openvpn
// processes and their tunnel interfaces.
import { listNamespaces, run } from '@geostage/transport';
import { isLabProcess } from './processes.ts';
import { type LabProcess, type LabState, labFolder } from './state.ts';
import { wanProblems } from './wan/lab.ts';

export interface TunnelStatus extends LabProcess {
  running: boolean;
  /** The tunnel interface exists in the router namespace. */
  device: boolean;
}

export interface LabHealth {
  healthy: boolean;
  namespacesPresent: number;
  missingNamespaces: string[];
  tunnels: TunnelStatus[];
  problems: string[];
}

export async function labHealth(state: LabState): Promise<LabHealth> {
  const present = new Set(await listNamespaces());
  const missingNamespaces = state.namespaces.map((ns) => ns.name).filter((name) => !present.has(name));
  const lab = labFolder(state.folder);
  const tunnels = await Promise.all(
    state.processes.map(async (process) => {
      const running = isLabProcess(process.pid, lab);
      const device =
        present.has(process.namespace) &&
        (await run('ip', ['-n', process.namespace, '-o', 'link', 'show', 'dev', process.interface]).then(
          () => true,
          () => false,
        ));
      return { ...process, running, device };
    }),
  );
  const problems: string[] = [];
  if (!state.complete) problems.push('lab up did not finish');
  if (missingNamespaces.length > 0) problems.push(`${missingNamespaces.length} namespaces missing`);
  const down = tunnels.filter((tunnel) => !tunnel.running || !tunnel.device);
  if (down.length > 0)
    problems.push(
      `openvpn not running for ${down.map((tunnel) => `${tunnel.router} ${tunnel.interface}`).join(', ')}`,
    );
  problems.push(...wanProblems(state.wan));
  if (state.access) {
    const access = state.access;
    if (!present.has(access.namespace)) problems.push(`operator namespace ${access.namespace} missing`);
    const stopped = access.sshd.filter((sshd) => !isLabProcess(sshd.pid, lab, 'sshd'));
    if (stopped.length > 0)
      problems.push(`sshd not running for ${stopped.map((sshd) => sshd.router).join(', ')}`);
  }
  return {
    healthy: problems.length === 0,
    namespacesPresent: state.namespaces.length - missingNamespaces.length,
    missingNamespaces,
    tunnels,
    problems,
  };
}
