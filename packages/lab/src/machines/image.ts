// The one Debian image every booted lab machine runs: debootstrapped once, customized for
// the lab (no baked-in SSH host keys, sshd and networkd enabled, openvpn and haproxy left
// disabled for apply to start), and cached where a rerun finds it. Its folder name carries a
// digest of everything it is made from (suite, packages, customization), so a change to any of
// them builds a new image beside the old one. It is built into a temporary folder and renamed
// into place, so a half-built image is never found.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '@geostage/transport';

export const IMAGE_CACHE = '/var/cache/geostage/images';
export const IMAGE_SUITE = 'bookworm';
export const DEFAULT_MIRROR = 'http://deb.debian.org/debian';

/**
 * What the machines need for the files geostage generates and applies: systemd and sshd to be
 * reached, networkd and netplan for addresses, openvpn, nftables, haproxy and iperf3 for the
 * routers and servers, python3 for netplan, iproute2/ping/procps to look around.
 */
export const IMAGE_PACKAGES = [
  'systemd',
  'systemd-sysv',
  'dbus',
  'openssh-server',
  'netplan.io',
  'openvpn',
  'nftables',
  'haproxy',
  'iperf3',
  'iproute2',
  'iputils-ping',
  'procps',
  'python3',
] as const;

/** The image's own sshd settings: key-only root login with the host key the lab binds in. */
const SSHD_CONFIG = `# geostage lab machine: the host key is bound in per machine by lab up (never baked into the image)
HostKey /etc/ssh/ssh_host_ed25519_key
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UseDNS no
`;

/** One customization step of the image, as data: it is part of the image's digest. */
export type ImageStep =
  | { kind: 'chroot'; command: string[] }
  | { kind: 'remove'; paths: string[] }
  | { kind: 'file'; path: string; content: string; mode: number }
  | { kind: 'folder'; path: string; mode: number };

/**
 * What turns a debootstrapped bookworm into a lab machine. Units are enabled and disabled the
 * way a Debian admin does (systemctl in the chroot). systemd-networkd-wait-online is disabled:
 * the links the site admin set before geostage are not networkd's, so it would wait two
 * minutes at every boot for links it will never manage (a real host's installer configures it).
 */
export const IMAGE_STEPS: readonly ImageStep[] = [
  { kind: 'remove', paths: ['/etc/ssh/ssh_host_*', '/etc/hostname', '/var/lib/dbus/machine-id'] },
  // Empty: systemd makes a machine id per boot, so every machine has its own.
  { kind: 'file', path: '/etc/machine-id', content: '', mode: 0o444 },
  { kind: 'file', path: '/etc/ssh/sshd_config.d/10-geostage-lab.conf', content: SSHD_CONFIG, mode: 0o644 },
  { kind: 'folder', path: '/root/.ssh', mode: 0o700 },
  { kind: 'chroot', command: ['systemctl', 'enable', 'ssh.service', 'systemd-networkd.service'] },
  {
    kind: 'chroot',
    command: [
      'systemctl',
      'disable',
      'openvpn.service',
      'haproxy.service',
      'nftables.service',
      'systemd-networkd-wait-online.service',
    ],
  },
  // Nothing in a lab machine installs packages; apt's timers would only wake it up.
  { kind: 'chroot', command: ['systemctl', 'mask', 'apt-daily.timer', 'apt-daily-upgrade.timer'] },
];

/** The digest of everything the image is made from: its folder's name ends with it. */
export function imageDigest(
  packages: readonly string[] = IMAGE_PACKAGES,
  steps: readonly ImageStep[] = IMAGE_STEPS,
): string {
  const recipe = { suite: IMAGE_SUITE, variant: 'minbase', packages: [...packages].sort(), steps };
  return createHash('sha256').update(JSON.stringify(recipe)).digest('hex').slice(0, 12);
}

/** Where the image of this recipe lives (present or not). */
export function imagePath(cache = IMAGE_CACHE): string {
  return join(cache, `${IMAGE_SUITE}-${imageDigest()}`);
}

/** A built image has the marker file written last, after every step. */
const MARKER = 'etc/geostage-lab-image';

export function imageReady(path = imagePath()): boolean {
  return existsSync(join(path, MARKER));
}

/** The Debian mirror: the host's own (from its apt sources), else deb.debian.org. */
export function debianMirror(sources = '/etc/apt/sources.list.d/debian.sources'): string {
  try {
    const text = readFileSync(sources, 'utf8');
    for (const stanza of text.split(/\n\s*\n/)) {
      const uri = /^URIs:\s*(\S+)/m.exec(stanza)?.[1];
      const suites = /^Suites:\s*(.+)$/m.exec(stanza)?.[1]?.split(/\s+/) ?? [];
      if (uri && suites.includes(IMAGE_SUITE)) return uri;
    }
  } catch {}
  return DEFAULT_MIRROR;
}

export type ImageResult = { ok: true; path: string; built: boolean } | { ok: false; error: string };

export interface ImageOptions {
  progress(line: string): void;
  /** Aborts the build: debootstrap is stopped and the temporary folder removed. */
  signal?: AbortSignal;
  cache?: string;
  mirror?: string;
  /** Build again even when the image is there. */
  rebuild?: boolean;
}

// debootstrap names each package as it goes; only the phases make useful progress lines.
const PER_PACKAGE = /^I: (Retrieving|Validating|Extracting|Unpacking|Configuring) \S+ \d\S*$/;

/** Runs debootstrap, its phases as progress lines; rejects with its last lines when it fails. */
function debootstrap(
  target: string,
  mirror: string,
  progress: (line: string) => void,
  signal?: AbortSignal,
): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(
      'debootstrap',
      ['--variant=minbase', `--include=${IMAGE_PACKAGES.join(',')}`, IMAGE_SUITE, target, mirror],
      { stdio: ['ignore', 'pipe', 'pipe'], detached: true },
    );
    const last: string[] = [];
    let packages = 0;
    const line = (text: string) => {
      for (const one of text.split('\n').filter(Boolean)) {
        last.push(one);
        if (last.length > 20) last.shift();
        if (PER_PACKAGE.test(one)) packages += 1;
        else if (one.startsWith('I: '))
          progress(`image: ${one.slice(3)}${packages ? ` (${packages} package steps so far)` : ''}`);
      }
    };
    child.stdout.setEncoding('utf8').on('data', line);
    child.stderr.setEncoding('utf8').on('data', line);
    const abort = () => {
      // debootstrap runs dpkg and friends as children: its whole process group goes.
      if (child.pid) process.kill(-child.pid, 'SIGTERM');
    };
    signal?.addEventListener('abort', abort, { once: true });
    child.on('error', fail);
    child.on('close', (code) => {
      signal?.removeEventListener('abort', abort);
      if (signal?.aborted) fail(new Error(`image build aborted (${String(signal.reason)})`));
      else if (code === 0) done();
      else fail(new Error(`debootstrap exited ${code}:\n${last.join('\n')}`));
    });
  });
}

/** Mount points under `folder`, deepest first (debootstrap mounts /proc and /sys in its target). */
function mountsUnder(folder: string): string[] {
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[4])
    .filter((point): point is string => point !== undefined)
    .map((point) => point.replace(/\\040/g, ' '));
  return mounts
    .filter((point) => point === folder || point.startsWith(`${folder}/`))
    .sort()
    .reverse();
}

/** Unmounts whatever is mounted inside `folder`, then removes it without ever crossing into another file system. */
async function removeBuild(folder: string): Promise<void> {
  for (const point of mountsUnder(folder)) await run('umount', ['-l', point]).catch(() => {});
  await run('rm', ['-rf', '--one-file-system', folder]).catch(() => {});
}

async function applyStep(root: string, step: ImageStep): Promise<void> {
  const at = (path: string) => join(root, path);
  if (step.kind === 'remove') {
    for (const pattern of step.paths) {
      const folder = at(pattern.slice(0, pattern.lastIndexOf('/')));
      const name = pattern.slice(pattern.lastIndexOf('/') + 1);
      const matcher = new RegExp(`^${name.replace(/[.]/g, '\\.').replace(/\*/g, '.*')}$`);
      for (const entry of await readdir(folder).catch(() => [] as string[]))
        if (matcher.test(entry)) await rm(join(folder, entry), { force: true });
    }
  } else if (step.kind === 'file') {
    await rm(at(step.path), { force: true });
    await writeFile(at(step.path), step.content, { mode: step.mode });
    await chmod(at(step.path), step.mode);
  } else if (step.kind === 'folder') {
    await mkdir(at(step.path), { recursive: true, mode: step.mode });
    await chmod(at(step.path), step.mode);
  } else {
    await run('chroot', [root, ...step.command]);
  }
}

/** Old builds of any recipe that died halfway (their temporary folders). */
async function removeStaleBuilds(cache: string): Promise<void> {
  for (const entry of await readdir(cache).catch(() => [] as string[])) {
    const pid = /^\.build-.*-(\d+)$/.exec(entry)?.[1];
    if (pid && !existsSync(`/proc/${pid}`)) await removeBuild(join(cache, entry));
  }
}

/** The cached image, built when missing (root only: debootstrap and chroot). */
export async function ensureImage(options: ImageOptions): Promise<ImageResult> {
  const cache = options.cache ?? IMAGE_CACHE;
  const path = imagePath(cache);
  const { progress, signal } = options;
  if (imageReady(path) && !options.rebuild) return { ok: true, path, built: false };
  if (process.getuid?.() !== 0)
    return {
      ok: false,
      error: `the machine image ${path} is missing and only root can build it (debootstrap)`,
    };
  await mkdir(cache, { recursive: true, mode: 0o755 });
  await removeStaleBuilds(cache);
  const temporary = join(cache, `.build-${IMAGE_SUITE}-${imageDigest()}-${process.pid}`);
  const mirror = options.mirror ?? debianMirror();
  const started = Date.now();
  progress(
    `image: building ${path} (debootstrap ${IMAGE_SUITE} from ${mirror}, ${IMAGE_PACKAGES.length} packages; once, then cached)`,
  );
  try {
    await removeBuild(temporary);
    await mkdir(temporary, { mode: 0o755 });
    await debootstrap(temporary, mirror, progress, signal);
    for (const step of IMAGE_STEPS) {
      if (signal?.aborted) throw new Error(`image build aborted (${String(signal.reason)})`);
      await applyStep(temporary, step);
    }
    await removeBuild(join(temporary, 'var/cache/apt/archives'));
    await mkdir(join(temporary, 'var/cache/apt/archives/partial'), { recursive: true });
    await writeFile(
      join(temporary, MARKER),
      `${JSON.stringify({ digest: imageDigest(), packages: IMAGE_PACKAGES, steps: IMAGE_STEPS })}\n`,
    );
    for (const point of mountsUnder(temporary)) await run('umount', ['-l', point]).catch(() => {});
    if (options.rebuild && existsSync(path)) await removeBuild(path);
    await rename(temporary, path).catch(async (error: NodeJS.ErrnoException) => {
      // Another build of the same recipe finished first: its image is as good as ours.
      if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error;
    });
    await removeBuild(temporary);
    progress(`image: ready in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    return { ok: true, path, built: true };
  } catch (error) {
    await removeBuild(temporary);
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}
