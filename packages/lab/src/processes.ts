// The OpenVPN processes of a lab, by pid. A pid is only ours while its command line is an
// openvpn naming the lab folder: a pid reused by something else after a reboot is left alone.
import { readFileSync } from 'node:fs';

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
