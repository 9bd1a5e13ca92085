// Enough inotify instances for the booted machines, checked before any boots. Every inotify
// instance of root counts against one host limit, fs.inotify.max_user_instances (128 on many
// hosts), and each machine's systemd and its services take several (PER_MACHINE, measured);
// past the limit a machine's systemd stops with "Failed to create control group inotify object:
// Too many open files" in the middle of lab up. It is the host's setting: the lab says what it
// needs and how to raise it, and never changes it itself.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

const LIMIT = '/proc/sys/fs/inotify/max_user_instances';

/**
 * Inotify instances one booted machine takes (systemd, journald, logind, dbus and the rest):
 * keio-2019's 11 machines of the lab's bookworm image held 77 once booted (7 each); one more
 * each for room.
 */
export const PER_MACHINE = 8;

export interface InotifyUse {
  /** fs.inotify.max_user_instances; null when /proc does not say (the check is then skipped). */
  limit: number | null;
  /** The instances root holds already, everywhere on this machine. */
  inUse: number;
}

/** Null when `machines` fit beside what is in use; otherwise what they need and the command that raises the limit. */
export function inotifyShortfall(machines: number, use: InotifyUse, perMachine = PER_MACHINE): string | null {
  if (use.limit === null) return null;
  const needed = use.inUse + machines * perMachine;
  if (needed <= use.limit) return null;
  // Rounded up to a power of two, as such limits usually are.
  const raise = 2 ** Math.ceil(Math.log2(needed));
  return `${machines} booted machines need about ${needed} inotify instances (${perMachine} each, ${use.inUse} in use already), but fs.inotify.max_user_instances is ${use.limit}; nothing was booted. Raise it on this host (it is the host's setting, lab up does not change it) with: sysctl -w fs.inotify.max_user_instances=${raise}`;
}

/** The limit, and the inotify instances open now (read from every process's descriptors). */
export function inotifyUse(): InotifyUse {
  let limit: number | null = null;
  try {
    const parsed = Number.parseInt(readFileSync(LIMIT, 'utf8'), 10);
    if (Number.isInteger(parsed)) limit = parsed;
  } catch {}
  let inUse = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Only root's count against root's limit.
      if (!/^Uid:\s+0\s/m.test(readFileSync(`/proc/${entry}/status`, 'utf8'))) continue;
      for (const fd of readdirSync(`/proc/${entry}/fd`)) {
        try {
          if (readlinkSync(`/proc/${entry}/fd/${fd}`) === 'anon_inode:inotify') inUse++;
        } catch {}
      }
    } catch {
      // Gone between the listing and the read.
    }
  }
  return { limit, inUse };
}
