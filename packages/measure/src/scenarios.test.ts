// The scenario run's comparison and plan without a lab: which pairs differ from the prediction,
// and the plan of a bundled scenario (phases with the pairs lost and regained).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readGeneratedNetwork } from '@geostage/reach';
import { loadScenario, loadTopologyFile, resolve, scenarioTimeline } from '@geostage/schema';
import { describe, expect, it } from 'vitest';
import { planScenario, renderPlan } from './scenario-plan.ts';
import { differingPairs } from './scenarios.ts';

const root = join(import.meta.dirname, '..', '..', '..');

describe('differingPairs', () => {
  it('names the pairs where the measurement is not the prediction, and unmeasured pairs', () => {
    const predicted = [
      { from: 'a', to: 'b', reachable: true, why: null },
      { from: 'b', to: 'a', reachable: false, why: 'tunnel-down at r1' },
      { from: 'a', to: 'c', reachable: true, why: null },
    ];
    const measured = [
      { from: 'a', to: 'b', reachable: true, rttMs: 1, ttl: 62, sent: 1, received: 1 },
      { from: 'b', to: 'a', reachable: true, rttMs: 1, ttl: 62, sent: 1, received: 1 },
    ];
    expect(differingPairs(predicted, measured)).toEqual([
      { from: 'b', to: 'a', predicted: false, measured: true },
      { from: 'a', to: 'c', predicted: true, measured: false },
    ]);
  });
});

describe('planScenario', () => {
  it('tunnel-flap: each down phase loses the 16 site1-site3 pairs and each up phase regains them', async () => {
    const model = resolve(
      (await loadTopologyFile(join(root, 'environments', 'keio-2019', 'topology.yaml'))).topology!,
    );
    const file = join(root, 'environments', 'keio-2019', 'scenarios', 'tunnel-flap.yaml');
    const scenario = loadScenario(readFileSync(file, 'utf8'), file, model).scenario!;
    const files = await readGeneratedNetwork(join(root, 'environments', 'keio-2019', 'generated', 'network'));
    const plan = planScenario(scenarioTimeline(scenario, model), model, files);
    expect(plan.phases.map((phase) => [phase.lost.length, phase.regained.length])).toEqual([
      [0, 0],
      [16, 0],
      [0, 16],
      [16, 0],
      [0, 16],
      [16, 0],
      [0, 16],
      [0, 0],
    ]);
    expect(renderPlan(plan)).toContain('keio-2019 / tunnel-flap: 8 phases, seed 7');
  });
});
