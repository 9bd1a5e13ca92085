// Issue 11 in the lab: one lab of an environment at a time. Two `geostage lab up keio-2019`
// started together (the real race, two processes, not the lock's unit test): exactly one builds
// the lab; the other ends quickly, non-zero, naming the first and its pid; the lab that came up
// is healthy with every namespace in place; `lab down` leaves nothing. Twice, since which one
// wins is up to the scheduler.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { isLabProcess, type LabState, labPrefix, lockPath } from '@geostage/lab';
import { namespaceSupport } from '@geostage/transport';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { remains, type Scratch, scratchRepository } from './scratch.ts';

const support = namespaceSupport();

if (support !== null) {
  console.warn(`test/lab/lab-race: skipped: ${support}`);
  describe('two lab up of one environment at once', () => {
    it.skip(`skipped: ${support}`, () => {});
  });
} else {
  describe('two lab up of one environment at once: keio-2019', () => {
    let scratch: Scratch;
    const lab = () => join(scratch.environmentFolder, '.lab');

    beforeAll(() => {
      scratch = scratchRepository('keio-2019');
    });

    afterAll(async () => {
      await scratch.geostage(['lab', 'down', 'keio-2019', '--force']);
      if (!process.env.GS_KEEP) rmSync(scratch.folder, { recursive: true, force: true });
    });

    for (const round of [1, 2])
      it(`round ${round}: one builds the lab, the other says the first is running; lab down leaves nothing`, async () => {
        const prefix = labPrefix(scratch.environmentFolder);
        const both = [scratch.start(['lab', 'up', 'keio-2019']), scratch.start(['lab', 'up', 'keio-2019'])];
        const results = await Promise.all(both.map((one) => one.finished));
        const all = results
          .map(
            (one, at) => `--- lab up ${at + 1} (pid ${both[at]!.child.pid}) ---\n${one.stdout}${one.stderr}`,
          )
          .join('\n');
        console.log(
          `lab-race round ${round}: ${results.map((one, at) => `pid ${both[at]!.child.pid} exit ${one.code} in ${(one.ms / 1000).toFixed(1)} s`).join('; ')}`,
        );
        expect(
          results.filter((one) => one.code === 0),
          all,
        ).toHaveLength(1);
        const winner = results.findIndex((one) => one.code === 0);
        const loser = 1 - winner;
        expect(results[winner]!.stdout, all).toContain('lab of keio-2019 is up in');
        expect(results[loser]!.code, all).not.toBe(0);
        expect(results[loser]!.stderr, all).toMatch(
          new RegExp(`lab up of keio-2019 is already running \\(pid ${both[winner]!.child.pid}, since `),
        );
        // Quickly: it gave up while the first was still building, and built nothing.
        expect(results[loser]!.ms, all).toBeLessThan(results[winner]!.ms);
        expect(results[loser]!.stdout, all).not.toMatch(/^namespaces: /m);

        const state = JSON.parse(readFileSync(join(lab(), 'state.json'), 'utf8')) as LabState;
        expect(state.complete, all).toBe(true);
        const listed = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
          .split('\n')
          .map((line) => line.split(' ')[0]!)
          .filter((name) => name.startsWith(prefix));
        expect(state.namespaces).toHaveLength(15);
        expect(listed.sort(), all).toEqual(
          [...state.namespaces.map((namespace) => namespace.name), state.access!.namespace].sort(),
        );
        for (const process of state.processes) expect(isLabProcess(process.pid, lab()), all).toBe(true);
        const status = await scratch.geostage(['lab', 'status', 'keio-2019']);
        expect(status.code, `${all}\n--- lab status ---\n${status.stdout}${status.stderr}`).toBe(0);
        expect(existsSync(lockPath(scratch.environmentFolder)), all).toBe(false);

        const down = await scratch.geostage(['lab', 'down', 'keio-2019']);
        expect(down.code, down.stdout + down.stderr).toBe(0);
        expect(await remains(prefix, lab())).toEqual([]);
      }, 180_000);
  });
}
