import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from './diagnostics.ts';
import { loadTopologyFile } from './load.ts';
import type { Model } from './model.ts';
import { resolve } from './resolve.ts';
import { loadScenario } from './scenario.ts';
import { deviceFaults, scenarioTimeline } from './scenario-timeline.ts';

const root = join(import.meta.dirname, '..', '..', '..');
const corpus = join(import.meta.dirname, '..', 'test-data', 'invalid-scenarios');
const update = process.env.UPDATE_GOLDEN === '1';

async function model(env: string): Promise<Model> {
  const { topology } = await loadTopologyFile(join(root, 'environments', env, 'topology.yaml'));
  return resolve(topology!);
}

describe('golden corpus of invalid scenarios (against keio-2019)', async () => {
  const keio = await model('keio-2019');
  const cases = readdirSync(corpus)
    .filter((name) => name.endsWith('.yaml'))
    .sort();
  for (const name of cases) {
    it(name, () => {
      const { scenario, diagnostics } = loadScenario(readFileSync(join(corpus, name), 'utf8'), name, keio);
      const actual = `${diagnostics.map(formatDiagnostic).join('\n')}\n`;
      const expectedFile = join(corpus, name.replace(/\.yaml$/, '.expected.txt'));
      if (update) writeFileSync(expectedFile, actual);
      expect(actual).toBe(readFileSync(expectedFile, 'utf8'));
      expect(scenario).toBeNull();
    });
  }
});

describe('bundled scenarios', () => {
  const bundled = [
    ['keio-2019', 'site2-partition'],
    ['keio-2019', 'tunnel-flap'],
    ['global-hub', 'hub-restart'],
  ] as const;
  for (const [env, name] of bundled) {
    it(`${env}/${name} loads without diagnostics`, async () => {
      const file = join(root, 'environments', env, 'scenarios', `${name}.yaml`);
      const result = loadScenario(readFileSync(file, 'utf8'), file, await model(env));
      expect(result.diagnostics).toEqual([]);
      expect(result.scenario?.name).toBe(name);
    });
  }
});

describe('scenarioTimeline', () => {
  it('unrolls repeats, starts with no faults and ends restored', async () => {
    const keio = await model('keio-2019');
    const text =
      'name: flap\nsteps:\n  - repeat:\n      times: 3\n      steps:\n        - tunnel-down: site3--site1\n        - tunnel-up: site1--site3\n';
    const timeline = scenarioTimeline(loadScenario(text, 'flap.yaml', keio).scenario!, keio);
    expect(timeline.phases.map((phase) => phase.name)).toEqual([
      'start',
      'tunnel-down site1--site3 (1/3)',
      'tunnel-up site1--site3 (1/3)',
      'tunnel-down site1--site3 (2/3)',
      'tunnel-up site1--site3 (2/3)',
      'tunnel-down site1--site3 (3/3)',
      'tunnel-up site1--site3 (3/3)',
      'restored',
    ]);
    expect(timeline.phases[1]!.faults.tunnels).toEqual(['site1--site3']);
    expect(timeline.phases[2]!.faults.tunnels).toEqual([]);
    expect(deviceFaults(keio, timeline.phases[1]!.faults).stoppedTunnelEnds).toEqual([
      { router: 'vyos01', peer: 'vyos03' },
      { router: 'vyos03', peer: 'vyos01' },
    ]);
  });

  it('makes random choices from the seed, the same every time', async () => {
    const keio = await model('keio-2019');
    const text = (seed: number) =>
      `name: pick\nseed: ${seed}\nsteps:\n  - server-stop: { random: [node01, node02, node03, node04] }\n    hold: { min: 1, max: 9 }\n`;
    const pick = (seed: number) => {
      const phase = scenarioTimeline(loadScenario(text(seed), 'pick.yaml', keio).scenario!, keio).phases[1]!;
      return [phase.faults.servers, phase.holdSeconds];
    };
    expect(pick(5)).toEqual(pick(5));
    expect(new Set([1, 2, 3, 4, 5, 6].map((seed) => JSON.stringify(pick(seed)))).size).toBeGreaterThan(1);
  });

  it('a router stop stops every tunnel end on the router', async () => {
    const hub = await model('global-hub');
    const text = 'name: hub\nsteps:\n  - router-stop: hub-tokyo\n  - router-start: hub-tokyo\n';
    const timeline = scenarioTimeline(loadScenario(text, 'hub.yaml', hub).scenario!, hub);
    expect(
      deviceFaults(hub, timeline.phases[1]!.faults)
        .stoppedTunnelEnds.map((end) => end.peer)
        .sort(),
    ).toEqual(['rt-berlin', 'rt-campus', 'rt-osaka']);
    expect(timeline.phases[2]!.faults.routers).toEqual([]);
  });
});
