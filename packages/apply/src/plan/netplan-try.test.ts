// geostage's netplan-try, the script every server gets, run by the real sh in a temporary root
// (GEOSTAGE_ROOT) with stand-ins for netplan and networkctl on PATH that record what they were
// asked and "render" the live netplan file where networkd would read it. Shows the revert when
// no confirmation comes, no revert when it does, the networkctl path where `netplan apply`
// fails (read-only /sys), and that a refused file changes nothing.
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it, onTestFinished } from 'vitest';
import { NETPLAN_PATH, NETPLAN_TRY_PATH } from './servers.ts';
import { render } from './templates.ts';

const NETPLAN_STUB = `#!/bin/sh
echo "netplan $*" >>"$GEOSTAGE_ROOT/calls"
case $1 in
  generate)
    if grep -q INVALID "$GEOSTAGE_ROOT${NETPLAN_PATH}" 2>/dev/null; then echo 'Error in network definition: invalid' >&2; exit 1; fi
    mkdir -p "$GEOSTAGE_ROOT/run/systemd/network"
    rm -f "$GEOSTAGE_ROOT"/run/systemd/network/10-netplan-*.network
    if [ -e "$GEOSTAGE_ROOT${NETPLAN_PATH}" ]; then cp "$GEOSTAGE_ROOT${NETPLAN_PATH}" "$GEOSTAGE_ROOT/run/systemd/network/10-netplan-ens160.network"; fi ;;
  apply)
    if [ "\${STUB_READ_ONLY_SYS:-}" = 1 ]; then echo 'udevadm trigger: Failed to write to /sys: Read-only file system' >&2; exit 1; fi ;;
esac
`;

const NETWORKCTL_STUB = `#!/bin/sh
echo "networkctl $*" >>"$GEOSTAGE_ROOT/calls"
`;

interface Machine {
  root: string;
  run(
    args: string[],
    env?: Record<string, string>,
  ): { status: number | null; stdout: string; stderr: string };
  live(): string | null;
  rendered(): string | null;
  staged(): string | null;
  calls(): string[];
}

function machine(): Machine {
  const root = mkdtempSync(join(tmpdir(), 'geostage-netplan-try-'));
  onTestFinished(() => rmSync(root, { recursive: true, force: true }));
  const bin = join(root, 'stub-bin');
  mkdirSync(bin);
  mkdirSync(join(root, 'etc/netplan'), { recursive: true });
  writeFileSync(join(bin, 'netplan'), NETPLAN_STUB, { mode: 0o755 });
  writeFileSync(join(bin, 'networkctl'), NETWORKCTL_STUB, { mode: 0o755 });
  const script = join(root, NETPLAN_TRY_PATH);
  mkdirSync(join(script, '..'), { recursive: true });
  writeFileSync(script, render('netplan-try', {}));
  chmodSync(script, 0o755);
  const read = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8') : null);
  return {
    root,
    run: (args, env = {}) =>
      spawnSync('sh', [script, ...args], {
        encoding: 'utf8',
        env: { ...process.env, ...env, GEOSTAGE_ROOT: root, PATH: `${bin}:${process.env.PATH}` },
      }),
    live: () => read(join(root, NETPLAN_PATH)),
    rendered: () => read(join(root, 'run/systemd/network/10-netplan-ens160.network')),
    staged: () => read(join(root, `${NETPLAN_PATH}.geostage-new`)),
    calls: () => (read(join(root, 'calls')) ?? '').trim().split('\n').filter(Boolean),
  };
}

/** Whether a process runs (a zombie waiting for its parent counts as ended). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  return !readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.startsWith('Z');
}

/** Waits for the background revert of a try with `seconds`, and a little longer. */
async function pastDeadline(seconds: number) {
  await sleep(seconds * 1000 + 1500);
}

const stage = (target: Machine, content: string) =>
  writeFileSync(join(target.root, `${NETPLAN_PATH}.geostage-new`), content, { mode: 0o600 });

describe('netplan-try', () => {
  it('applies the staged file, and puts the previous one back by itself when no confirmation comes', async () => {
    const server = machine();
    writeFileSync(join(server.root, NETPLAN_PATH), 'old\n');
    stage(server, 'new\n');
    const tried = server.run(['--timeout', '1', NETPLAN_PATH]);
    expect(tried.stderr).toBe('');
    expect(tried.status).toBe(0);
    expect(tried.stdout).toContain(`applied ${NETPLAN_PATH}; reverts in 1 s unless netplan-try --confirm`);
    expect(server.live()).toBe('new\n');
    expect(server.rendered()).toBe('new\n');
    await pastDeadline(1);
    expect(server.live()).toBe('old\n');
    expect(server.rendered()).toBe('old\n');
    // The tried file waits at the staged path, so the next apply tries it again.
    expect(server.staged()).toBe('new\n');
    const late = server.run(['--confirm', NETPLAN_PATH]);
    expect(late.status).toBe(1);
    expect(late.stderr).toMatch(/too late: the try of \/etc\/netplan\/60-geostage\.yaml was reverted at /);
    expect(server.calls()).toEqual([
      'netplan generate',
      'netplan apply',
      'netplan generate',
      'netplan apply',
    ]);
  });

  it('keeps the file when --confirm comes in time', async () => {
    const server = machine();
    writeFileSync(join(server.root, NETPLAN_PATH), 'old\n');
    stage(server, 'new\n');
    expect(server.run(['--timeout', '1', NETPLAN_PATH]).status).toBe(0);
    const pids = readdirSync(join(server.root, 'run/geostage'));
    expect(pids).toHaveLength(1);
    const reverter = Number(readFileSync(join(server.root, 'run/geostage', pids[0]!), 'utf8'));
    expect(alive(reverter)).toBe(true);
    const confirmed = server.run(['--confirm', NETPLAN_PATH]);
    expect(confirmed.status).toBe(0);
    expect(confirmed.stdout.trim()).toBe(`netplan-try: kept ${NETPLAN_PATH}`);
    // The confirm ends the sleeping revert instead of leaving it to wake up for nothing.
    await sleep(200);
    expect(alive(reverter)).toBe(false);
    await pastDeadline(1);
    expect(server.live()).toBe('new\n');
    expect(server.rendered()).toBe('new\n');
    expect(server.staged()).toBeNull();
    // A second apply: nothing staged, nothing pending, both say so and succeed.
    expect(server.run(['--timeout', '1', NETPLAN_PATH]).stdout.trim()).toBe(
      `netplan-try: nothing staged; ${NETPLAN_PATH} is in place`,
    );
    expect(server.run(['--confirm', NETPLAN_PATH]).stdout.trim()).toBe(
      `netplan-try: nothing pending; ${NETPLAN_PATH} is in place`,
    );
    expect(server.calls()).toEqual(['netplan generate', 'netplan apply']);
  });

  it('removes the file again when there was none before', async () => {
    const server = machine();
    stage(server, 'new\n');
    expect(server.run(['--timeout', '1', NETPLAN_PATH]).status).toBe(0);
    expect(server.live()).toBe('new\n');
    await pastDeadline(1);
    expect(server.live()).toBeNull();
    expect(server.rendered()).toBeNull();
  });

  it('applies with networkctl where netplan apply cannot write /sys', () => {
    const server = machine();
    stage(server, 'new\n');
    const tried = server.run(['--timeout', '30', NETPLAN_PATH], { STUB_READ_ONLY_SYS: '1' });
    expect(tried.status).toBe(0);
    expect(tried.stdout).toContain(
      'netplan apply failed (udevadm trigger: Failed to write to /sys: Read-only file system); applying with networkctl instead',
    );
    expect(server.calls()).toEqual([
      'netplan generate',
      'netplan apply',
      'networkctl reload',
      'networkctl reconfigure ens160',
    ]);
    expect(server.run(['--confirm', NETPLAN_PATH]).status).toBe(0);
  });

  it('changes nothing when netplan generate refuses the file', () => {
    const server = machine();
    writeFileSync(join(server.root, NETPLAN_PATH), 'old\n');
    stage(server, 'INVALID\n');
    const tried = server.run(['--timeout', '30', NETPLAN_PATH]);
    expect(tried.status).toBe(1);
    expect(tried.stderr).toContain(`netplan generate refused ${NETPLAN_PATH}; the previous file is back`);
    expect(server.live()).toBe('old\n');
    expect(server.rendered()).toBe('old\n');
    expect(server.staged()).toBe('INVALID\n');
    const confirm = server.run(['--confirm', NETPLAN_PATH]);
    expect(confirm.status).toBe(1);
    expect(confirm.stderr.trim()).toBe(
      `netplan-try: nothing to confirm: ${NETPLAN_PATH}.geostage-new was never tried`,
    );
  });
});
