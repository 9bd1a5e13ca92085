// The "bare processes" provider: a lab router is a network namespace whose daemons run as
// recorded processes of this machine, each tunnel end one openvpn started with --daemon and
// known by its pid file. (Booted machines in the same namespaces: booted.ts.)
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run, waitFor } from '@geostage/transport';
import { isLabProcess } from '../processes.ts';
import type { LabProcess } from '../state.ts';
import type { LabTunnelProcess } from '../wiring/wiring.ts';

const tail = (text: string, lines = 15) => text.trimEnd().split('\n').slice(-lines).join('\n');

/** The folders the processes write their logs and pid files to. */
export async function processFolders(lab: string): Promise<void> {
  await mkdir(join(lab, 'logs'), { recursive: true, mode: 0o700 });
  await mkdir(join(lab, 'run'), { recursive: true, mode: 0o700 });
}

/** Starts one openvpn and returns it with its pid, once its pid file names a live lab openvpn. */
export async function startTunnel(lab: string, tunnel: LabTunnelProcess): Promise<LabProcess> {
  const [command, ...args] = tunnel.command;
  await run(command!, args);
  const pid = await waitFor(`the pid of openvpn ${tunnel.router} ${tunnel.interface}`, 5_000, async () => {
    const text = await readFile(join(lab, tunnel.pidFile), 'utf8').catch(() => '');
    const pid = Number.parseInt(text, 10);
    return Number.isInteger(pid) && isLabProcess(pid, lab) ? pid : null;
  });
  return {
    pid,
    router: tunnel.router,
    namespace: tunnel.namespace,
    interface: tunnel.interface,
    tunnel: tunnel.tunnel,
    log: tunnel.log,
    pidFile: tunnel.pidFile,
  };
}

/** Resolves once every tunnel's log says it is up; rejects with the log's tail when one fails or times out. */
export async function waitForTunnels(
  lab: string,
  tunnels: readonly LabTunnelProcess[],
  timeoutMs: number,
  /** Stops waiting (resolving) once aborted: the caller rolls back. */
  signal?: AbortSignal,
): Promise<void> {
  await Promise.all(
    tunnels.map(async (tunnel) => {
      const log = join(lab, tunnel.log);
      try {
        await waitFor(`${tunnel.router} ${tunnel.interface} (${tunnel.tunnel})`, timeoutMs, async () => {
          if (signal?.aborted) return true;
          const text = await readFile(log, 'utf8').catch(() => '');
          if (/Exiting due to fatal error|Options error/.test(text)) throw new Error(text);
          return text.includes('Initialization Sequence Completed') ? true : null;
        });
      } catch (error) {
        const text = await readFile(log, 'utf8').catch(() => '(no log)');
        throw new Error(
          `${String(error instanceof Error ? error.message.split('\n')[0] : error)}\n--- ${tunnel.log} ---\n${tail(text)}`,
        );
      }
    }),
  );
}
