// The processes of a lab, by pid. A pid is only ours while its command line is an openvpn (or
// sshd) naming the lab folder: a pid reused by something else after a reboot is left alone.
// What the record misses is found by the lab's namespaces (`ip netns pids`) and by the lab
// folder on a daemon's command line.
import { readdirSync, readFileSync } from 'node:fs';
import { run } from '@geostage/transport';

function commandLine(pid: number): string[] | null {
  try {
    // A zombie (exited, not yet reaped by its new parent) has state Z and no command line.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    if (/^\d+ \(.*\) Z/.test(stat)) return null;
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return null;
  }
}

/** Whether `pid` is a live `program` (openvpn, or sshd) started for the lab in `labFolder`. */
export function isLabProcess(pid: number, labFolder: string, program = 'openvpn'): boolean {
  const args = commandLine(pid);
  if (args === null) return false;
  // sshd rewrites its title to one string: "sshd: /usr/sbin/sshd -D -f <config> [listener] ...".
  const text = ` ${args.join(' ')}`;
  return (
    (args.some((arg) => arg.endsWith(program)) || text.includes(`/${program} `)) &&
    (args.some((arg) => arg.startsWith(labFolder)) || text.includes(` ${labFolder}/`))
  );
}

/** Whether `pid` is alive (not a zombie). */
export function isAlive(pid: number): boolean {
  return commandLine(pid) !== null;
}

/** SIGTERM, then SIGKILL after `graceMs`; true when it was ours and is gone. */
export async function stopLabProcess(
  pid: number,
  labFolder: string,
  graceMs = 3000,
  program = 'openvpn',
): Promise<boolean> {
  if (!isLabProcess(pid, labFolder, program)) return false;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isLabProcess(pid, labFolder, program)) return true;
    await new Promise((done) => setTimeout(done, 50));
  }
  if (isLabProcess(pid, labFolder, program)) process.kill(pid, 'SIGKILL');
  return true;
}

/** The live processes inside a namespace (`ip netns pids`); none when it is gone. */
export async function namespacePids(namespace: string): Promise<number[]> {
  const listed = await run('ip', ['netns', 'pids', namespace]).catch(() => '');
  return listed
    .split('\n')
    .map((line) => Number.parseInt(line, 10))
    .filter((pid) => Number.isInteger(pid) && isAlive(pid));
}

const DAEMONS = /(^|[\s/])(openvpn|sshd|dpipe|wirefilter|vde_plug|iperf3|systemd-nspawn)(\s|:|$)/;

/** Daemons anywhere on this machine whose command line names the lab folder (what no namespace holds any more). */
export function labFolderPids(labFolder: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    const args = commandLine(pid);
    if (!args) continue;
    const text = args.join(' ');
    if (text.includes(`${labFolder}/`) && DAEMONS.test(text)) pids.push(pid);
  }
  return pids;
}

/** SIGTERM to every pid, SIGKILL to those alive after `graceMs`; how many were signalled. */
export async function stopPids(pids: readonly number[], graceMs = 3000): Promise<number> {
  const mine = new Set([process.pid, process.ppid]);
  const targets = [...new Set(pids)].filter((pid) => !mine.has(pid) && isAlive(pid));
  for (const pid of targets) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {}
  }
  const deadline = Date.now() + graceMs;
  while (targets.some(isAlive) && Date.now() < deadline) await new Promise((done) => setTimeout(done, 50));
  for (const pid of targets.filter(isAlive)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
  }
  return targets.length;
}
