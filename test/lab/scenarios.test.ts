// Scenarios in the lab (root): the three bundled scenarios run in a lab of their environment,
// every phase agrees with reach's prediction and has a convergence time, the lab is back to
// its starting state afterwards (verify agrees with reach), SIGINT during a run undoes every
// fault and the results say it was cut short, and `lab down` leaves nothing.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseScenarioResults, type ScenarioResults } from '@geostage/environment';
import { type LabState, namespaceSupport } from '@geostage/lab';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Scratch, scratchRepository } from './scratch.ts';

const support =
  namespaceSupport() ?? (existsSync('/usr/sbin/sshd') ? null : 'needs /usr/sbin/sshd (openssh-server)');
const main = join(import.meta.dirname, '..', '..', 'packages', 'cli', 'src', 'main.ts');
const RUN_TIMEOUT = 600_000;

const alive = (pid: number) => {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

function results(scratch: Scratch, name: string): ScenarioResults {
  const text = readFileSync(join(scratch.environmentFolder, 'results', 'scenarios', `${name}.json`), 'utf8');
  const parsed = parseScenarioResults(text);
  if (typeof parsed === 'string') throw new Error(parsed);
  return parsed;
}

const scenarioTables = (namespace: string) =>
  execFileSync('ip', ['netns', 'exec', namespace, 'nft', 'list', 'tables'], { encoding: 'utf8' }).includes(
    'geostage-scenario',
  );

function labTests(environment: string, scenarios: string[], interrupt: string | null) {
  describe(`scenarios in the lab: ${environment}`, () => {
    let scratch: Scratch;
    let state: LabState;
    const lab = () => join(scratch.environmentFolder, '.lab');

    beforeAll(async () => {
      scratch = scratchRepository(environment);
      const up = await scratch.geostage(['lab', 'up', environment]);
      expect(up.code, up.stderr).toBe(0);
      state = JSON.parse(readFileSync(join(lab(), 'state.json'), 'utf8')) as LabState;
    }, RUN_TIMEOUT);

    afterAll(async () => {
      if (existsSync(lab())) await scratch.geostage(['lab', 'down', environment]);
      if (!process.env.GS_KEEP) rmSync(scratch.folder, { recursive: true, force: true });
    }, RUN_TIMEOUT);

    for (const name of scenarios) {
      it(
        `${name}: every phase agrees with the prediction, with a convergence time, and the lab is back as it was`,
        async () => {
          const ran = await scratch.geostage(['scenario', 'run', environment, name]);
          expect(ran.code, `${ran.stdout}\n${ran.stderr}`).toBe(0);
          const written = results(scratch, name);
          expect(written.cutShort).toBe(false);
          expect(written.restored).toBe(true);
          expect(written.phases.length).toBeGreaterThanOrEqual(4);
          for (const phase of written.phases) {
            expect(phase.agrees, phase.name).toBe(true);
            expect(phase.convergedAfterMs, phase.name).toBeGreaterThanOrEqual(0);
            expect(phase.measured.length).toBe(phase.predicted.length);
            // Where the lab emulates a WAN: every site pair's round trip follows the WAN's (jitter
            // puts a median of few samples a little either side of it; the lab adds its own).
            // (A pair no packet crossed in this phase has no round trip.)
            for (const pair of (phase.rtt ?? []).filter((one) => one.measuredMs !== null))
              expect(pair.measuredMs, `${phase.name} ${pair.a}--${pair.b}`).toBeGreaterThanOrEqual(
                pair.expectedMs * 0.9,
              );
          }
          const verify = await scratch.geostage(['verify', environment]);
          expect(verify.code, verify.stdout).toBe(0);
        },
        RUN_TIMEOUT,
      );
    }

    if (interrupt !== null)
      it(
        `SIGINT during ${interrupt} undoes every fault, and the results say the run was cut short`,
        async () => {
          const child = spawn(process.execPath, [main, 'scenario', 'run', environment, interrupt], {
            cwd: scratch.folder,
          });
          let stdout = '';
          let stderr = '';
          child.stderr.on('data', (chunk) => {
            stderr += chunk;
          });
          const code = await new Promise<number | null>((done) => {
            child.stdout.on('data', (chunk) => {
              stdout += chunk;
              // Interrupt once a fault is in force.
              if (stdout.includes('stop openvpn') && !child.killed)
                setTimeout(() => child.kill('SIGINT'), 500);
            });
            child.on('close', done);
          });
          expect(code, `${stdout}\n${stderr}`).toBe(1);
          expect(stderr).toContain('cut short');
          const written = results(scratch, interrupt);
          expect(written.cutShort).toBe(true);
          expect(written.restored).toBe(true);
          expect(existsSync(join(lab(), 'scenario.json'))).toBe(false);
          const underlay = state.namespaces.find((namespace) => namespace.role === 'underlay')!.name;
          expect(scenarioTables(underlay)).toBe(false);
          const verify = await scratch.geostage(['verify', environment]);
          expect(verify.code, verify.stdout).toBe(0);
        },
        RUN_TIMEOUT,
      );

    it(
      'lab down leaves nothing: no namespace, no openvpn of the lab, no .lab folder',
      async () => {
        const after = JSON.parse(readFileSync(join(lab(), 'state.json'), 'utf8')) as LabState;
        const down = await scratch.geostage(['lab', 'down', environment]);
        expect(down.code, down.stderr).toBe(0);
        const namespaces = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
        expect(namespaces).not.toContain(state.prefix);
        for (const process of after.processes)
          expect(alive(process.pid), `${process.router} ${process.tunnel}`).toBe(false);
        expect(existsSync(lab())).toBe(false);
      },
      RUN_TIMEOUT,
    );
  });
}

if (support !== null) {
  console.warn(`test/lab/scenarios: skipped: ${support}`);
  describe('scenarios in the lab', () => {
    it.skip(`skipped: ${support}`, () => {});
  });
} else {
  labTests('keio-2019', ['site2-partition', 'tunnel-flap'], 'tunnel-flap');
  labTests('global-hub', ['hub-restart'], null);
  labTests('wide-2012', ['wan-degrade'], null);
}
