// The lab's SSH side at run time: keys made with ssh-keygen in a 0700 folder of the lab (sshd's
// StrictModes refuses keys anywhere looser), one sshd per router namespace started in the
// foreground (-D) as a detached child, so its pid is exactly the one recorded for `lab down`.
import { spawn } from 'node:child_process';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { run, waitFor } from '@geostage/transport';
import pMap from 'p-map';
import { type LabAccess, type LabSshd, sshdConfig } from './access.ts';
import { isLabProcess } from './processes.ts';

export const SSHD = '/usr/sbin/sshd';

async function keygen(path: string, comment: string): Promise<void> {
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', path]);
}

/** The operator's key in the lab's 0700 ssh folder, and the authorized key every sshd of the lab accepts. */
export async function makeOperatorKey(lab: string, access: LabAccess): Promise<void> {
  const keys = join(lab, access.keys);
  await mkdir(keys, { recursive: true, mode: 0o700 });
  await chmod(keys, 0o700);
  await keygen(join(lab, access.identity), 'geostage-lab-operator');
  const operatorKey = await readFile(join(lab, `${access.identity}.pub`), 'utf8');
  await writeFile(join(lab, access.authorizedKeys), operatorKey, { mode: 0o600 });
}

/** The operator's key, every router's host key and sshd_config, and the authorized key. */
export async function makeSshFiles(lab: string, access: LabAccess): Promise<void> {
  await makeOperatorKey(lab, access);
  // A few ssh-keygen at once: a 50-router lab made them one by one for seconds.
  await pMap(
    access.sshd,
    async (sshd) => {
      const folder = dirname(join(lab, sshd.config));
      await mkdir(folder, { recursive: true, mode: 0o700 });
      await chmod(folder, 0o700);
      await keygen(join(lab, sshd.hostKey), `geostage-lab-${sshd.router}`);
      await writeFile(join(lab, sshd.config), sshdConfig(sshd, lab, access.authorizedKeys), {
        mode: 0o600,
      });
    },
    { concurrency: 4 },
  );
}

/** Starts one sshd in its router namespace; its pid once it listens. */
export async function startSshd(lab: string, sshd: LabSshd): Promise<number> {
  // Debian's sshd checks its privilege separation folder even when it is not used.
  await mkdir('/run/sshd', { recursive: true, mode: 0o755 });
  await run(SSHD, ['-t', '-f', join(lab, sshd.config)]);
  const log = join(lab, sshd.log);
  await mkdir(dirname(log), { recursive: true, mode: 0o700 });
  const child = spawn(
    'ip',
    ['netns', 'exec', sshd.namespace, SSHD, '-D', '-f', join(lab, sshd.config), '-E', log],
    { detached: true, stdio: 'ignore' },
  );
  child.unref();
  const pid = child.pid;
  if (pid === undefined) throw new Error(`sshd for ${sshd.router} did not start`);
  // `ip netns exec` execs the command, so the pid is sshd's own.
  await waitFor(`sshd of ${sshd.router} on ${sshd.address}:22`, 5_000, async () => {
    const text = await readFile(log, 'utf8').catch(() => '');
    if (/fatal|error:/i.test(text)) throw new Error(text.trim());
    return text.includes('Server listening') && isLabProcess(pid, lab, 'sshd') ? true : null;
  });
  return pid;
}

/** A router's host public key line ("ssh-ed25519 AAAA... comment"), for the inventory. */
export async function hostKeyLine(lab: string, sshd: LabSshd): Promise<string> {
  return (await readFile(join(lab, `${sshd.hostKey}.pub`), 'utf8')).trim();
}
