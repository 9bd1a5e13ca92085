// Issue 11 in the lab: SIGINT to `apply --lab` and to `lab up` at several points, chosen by the
// progress lines they print, sent to the command alone (kill -INT) or to its process group (what
// Ctrl-C in a terminal does). Each time: exit 130 saying it was interrupted, the apply state is
// valid JSON, the lab's record names the openvpn processes that run (so `lab status` never calls
// a running tunnel dead for a stale pid); a rerun finishes; `lab down` leaves no namespace and no
// process of the lab. An interrupted `lab up` removes what it made by itself.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadApplyState } from '@geostage/apply';
import { isLabProcess, type LabState, labPrefix, lockPath } from '@geostage/lab';
import { namespaceSupport } from '@geostage/transport';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Finished, type Running, remains, type Scratch, scratchRepository } from './scratch.ts';

const support = namespaceSupport();
const ROUTERS = ['vyos01', 'vyos02', 'vyos03'];

/** Polls `check` until it returns a value or the deadline passes (then the last value it saw is thrown). */
async function until<T>(what: string, timeoutMs: number, check: () => Promise<T | null>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((done) => setTimeout(done, 250));
  }
}

/** The command's end, or a failure naming what it printed when it does not end in time. */
async function ended(running: Running, timeoutMs: number): Promise<Finished & { ms: number }> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, fail) => {
    timer = setTimeout(
      () => fail(new Error(`still running after ${timeoutMs} ms:\n${running.output()}`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([running.finished, late]);
  } finally {
    clearTimeout(timer);
  }
}

const summaryOf = (stdout: string) => stdout.slice(stdout.lastIndexOf('summary:'));

if (support !== null) {
  console.warn(`test/lab/interrupt: skipped: ${support}`);
  describe('SIGINT to apply and lab up', () => {
    it.skip(`skipped: ${support}`, () => {});
  });
} else {
  describe('SIGINT to apply --lab and lab up at several points: keio-2019', () => {
    let scratch: Scratch;
    const lab = () => join(scratch.environmentFolder, '.lab');
    const state = () => JSON.parse(readFileSync(join(lab(), 'state.json'), 'utf8')) as LabState;
    const applyState = () => join(lab(), 'apply-state.json');

    beforeAll(async () => {
      scratch = scratchRepository('keio-2019');
      const up = await scratch.geostage(['lab', 'up', 'keio-2019']);
      expect(up.code, up.stdout + up.stderr).toBe(0);
    }, 120_000);

    afterAll(async () => {
      await scratch.geostage(['lab', 'down', 'keio-2019', '--force']);
      if (!process.env.GS_KEEP) rmSync(scratch.folder, { recursive: true, force: true });
    });

    it('apply stops after the steps under way, exits 130, and leaves a valid state and a true record', async () => {
      const points = [
        { at: 'the uploads', line: /^\[routers\] \S+: \d+\/\d+ ok upload /, to: 'group' },
        { at: 'nft -f, before a restart', line: /^\[routers\] \S+: \d+\/\d+ ok nft -f /, to: 'process' },
        { at: 'the tunnel restarts', line: /^\[routers\] \S+: \d+\/\d+ ok restart openvpn /, to: 'group' },
        { at: 'the tunnel restarts', line: /^\[routers\] \S+: \d+\/\d+ ok restart openvpn /, to: 'process' },
      ] as const;
      for (const point of points) {
        // Every step runs again, so the point is reached whatever the run before it did.
        rmSync(applyState(), { force: true });
        const apply = scratch.start(['apply', 'keio-2019', '--lab']);
        await apply.line(point.line, 90_000);
        const signalled = Date.now();
        apply.interrupt('SIGINT', point.to);
        const result = await ended(apply, 60_000);
        const stopped = (Date.now() - signalled) / 1000;
        const where = `SIGINT to the ${point.to} after ${point.at}:\n${result.stdout}${result.stderr}`;
        expect(result.code, where).toBe(130);
        expect(result.stderr, where).toContain('interrupted by SIGINT; rerun it to finish');
        const summary = summaryOf(result.stdout);
        expect(summary, where).toMatch(
          /NOT RUN: interrupted \(SIGINT\)|NOT RUN: apply was interrupted \(SIGINT\)/,
        );
        // The steps under way finished: none was cut off halfway and reported as failed.
        expect(summary, where).not.toContain('FAILED');

        // Valid JSON, and a state apply itself accepts, with the steps that completed.
        JSON.parse(readFileSync(applyState(), 'utf8'));
        const saved = await loadApplyState(applyState());
        expect(saved.ok, where).toBe(true);
        if (saved.ok) expect(Object.keys(saved.state.completed).length, where).toBeGreaterThan(0);
        // The record names the openvpn that runs: the one its pid file names, alive, the lab's.
        for (const process of state().processes) {
          const pid = Number(readFileSync(join(lab(), process.pidFile!), 'utf8'));
          expect(process.pid, `${process.router} ${process.interface}; ${where}`).toBe(pid);
          expect(isLabProcess(process.pid, lab()), `${process.router} ${process.interface}`).toBe(true);
        }
        // A tunnel one of whose ends apply has just restarted may take a moment to pass again;
        // never is one called dead while its openvpn runs.
        const healthy = Date.now();
        await until(`lab status after SIGINT after ${point.at}`, 45_000, async () => {
          const status = await scratch.geostage(['lab', 'status', 'keio-2019']);
          expect(status.stdout, where).not.toContain('openvpn not running');
          return status.code === 0 ? status : null;
        });
        console.log(
          `interrupt: apply, SIGINT to the ${point.to} after ${point.at}: ran ${(result.ms / 1000).toFixed(1)} s, exited ${stopped.toFixed(1)} s after the signal, lab status healthy ${((Date.now() - healthy) / 1000).toFixed(1)} s later`,
        );
      }

      // The rerun finishes what the last interrupted run left.
      const started = Date.now();
      const rerun = await scratch.geostage(['apply', 'keio-2019', '--lab']);
      console.log(
        `interrupt: the rerun of apply to completion in ${((Date.now() - started) / 1000).toFixed(1)} s`,
      );
      expect(rerun.code, rerun.stdout + rerun.stderr).toBe(0);
      expect(rerun.stdout).toMatch(/\d+ steps completed before; skipped/);
      expect(rerun.stdout).toMatch(/^apply keio-2019 done in /m);
      for (const router of ROUTERS) {
        expect(rerun.stdout).toMatch(new RegExp(`^ {2}\\[routers\\] ${router} +(ran|already done)`, 'm'));
        expect(rerun.stdout).toMatch(new RegExp(`^ {2}\\[tunnel-check\\] ${router} +ran`, 'm'));
      }
      const status = await scratch.geostage(['lab', 'status', 'keio-2019']);
      expect(status.code, status.stdout + status.stderr).toBe(0);
    }, 600_000);

    it('lab down after the interrupted applies leaves no namespace and no process of the lab', async () => {
      const prefix = state().prefix;
      const down = await scratch.geostage(['lab', 'down', 'keio-2019']);
      expect(down.code, down.stdout + down.stderr).toBe(0);
      expect(await remains(prefix, lab())).toEqual([]);
      expect(existsSync(lockPath(scratch.environmentFolder))).toBe(false);
    }, 60_000);

    it('lab up interrupted while it builds namespaces, starts tunnels or starts sshd removes what it made', async () => {
      const prefix = labPrefix(scratch.environmentFolder);
      const points = [
        { at: 'the namespaces of site2', line: /^site2: router /, to: 'group' },
        {
          at: 'the openvpn processes started',
          line: /^tunnels: \d+ openvpn processes started/,
          to: 'process',
        },
        { at: 'the operator namespace', line: /^operator /, to: 'group' },
      ] as const;
      for (const point of points) {
        const up = scratch.start(['lab', 'up', 'keio-2019']);
        await up.line(point.line, 90_000);
        const signalled = Date.now();
        up.interrupt('SIGINT', point.to);
        const result = await ended(up, 60_000);
        const where = `SIGINT to the ${point.to} after ${point.at}:\n${result.stdout}${result.stderr}`;
        console.log(
          `interrupt: lab up, SIGINT to the ${point.to} after ${point.at}: ran ${(result.ms / 1000).toFixed(1)} s, rolled back and exited ${((Date.now() - signalled) / 1000).toFixed(1)} s after the signal`,
        );
        expect(result.code, where).toBe(130);
        expect(result.stderr, where).toContain('interrupted by SIGINT; what it made is removed');
        expect(await remains(prefix, lab()), where).toEqual([]);
        const down = await scratch.geostage(['lab', 'down', 'keio-2019']);
        expect(down.code, down.stdout + down.stderr).toBe(0);
        expect(await remains(prefix, lab()), where).toEqual([]);
        expect(existsSync(lockPath(scratch.environmentFolder)), where).toBe(false);
      }
    }, 300_000);
  });
}
