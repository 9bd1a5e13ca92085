// Two of the three views must agree: what the Model intends (schema's intent: every site
// reaches every other site through the routers its routes name) and what reach computes from
// the generated files alone. Generated fresh here, so a generator change that breaks
// forwarding fails this test.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateNetwork } from '@geostage/gen-vyos';
import { computeReachability, outcome } from '@geostage/reach';
import { intendedReachability, loadTopology, type Model, resolve } from '@geostage/schema';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');

function model(env: string): Model {
  const source = `environments/${env}/topology.yaml`;
  const { topology } = loadTopology(readFileSync(join(root, source), 'utf8'), source);
  if (!topology) throw new Error(`${source} does not load`);
  return resolve(topology, source);
}

describe.each(['keio-2019', 'global-hub'])('%s: reach agrees with the Model', (env) => {
  const intent = model(env);
  const files = new Map(generateNetwork(intent).files.map((file) => [file.path, file.content]));
  const report = computeReachability(files);
  const intended = intendedReachability(intent);

  it('reads the generated files without a warning, and every tunnel of the Model is up', () => {
    expect(report.warnings).toEqual([]);
    expect(report.tunnels.filter((tunnel) => tunnel.up)).toHaveLength(intent.tunnels.length);
  });

  it('before the VPN a server reaches exactly the servers of its own site', () => {
    for (const a of intent.servers) {
      for (const b of intent.servers) {
        if (a === b) continue;
        expect(outcome(report, 'before', a.name, b.name)?.reachable, `${a.name} -> ${b.name}`).toBe(
          intended.before(a.name, b.name),
        );
      }
    }
  });

  it('after the VPN every pair is reachable through the tunnels the Model routes it through', () => {
    for (const a of intent.servers) {
      for (const b of intent.servers) {
        if (a === b || a.site === b.site) continue;
        const routers = intended.routers(a.name, b.name)!;
        const computed = outcome(report, 'after', a.name, b.name)!;
        expect(intended.after(a.name, b.name), `${a.name} -> ${b.name}`).toBe(true);
        expect(computed.reachable, `${a.name} -> ${b.name}`).toBe(true);
        // Direct to the far site: one tunnel; through a hub: two.
        expect(computed.tunnels, `${a.name} -> ${b.name}`).toHaveLength(routers.length - 1);
        expect(computed.path[0]).toBe(routers[0]);
        expect(computed.path.at(-1)).toBe(routers.at(-1));
      }
    }
  });
});
