// The prediction of faulted networks against what a person would name: the pairs a partition,
// a stopped hub and a down tunnel lose, and nothing else.
import { beforeAll, describe, expect, it } from 'vitest';
import { readGeneratedNetwork } from '../read/files.ts';
import { pairChanges, predictedPairs, predictReachability } from './faults.ts';
import { computeReachability } from './reachability.ts';

const root = new URL('../../../../', import.meta.url).pathname;
let keio: Map<string, string>;
let hub: Map<string, string>;
beforeAll(async () => {
  keio = await readGeneratedNetwork(`${root}environments/keio-2019/generated/network`);
  hub = await readGeneratedNetwork(`${root}environments/global-hub/generated/network`);
});

/** Server -> its router (its site), from the unfaulted report. */
function routers(files: Map<string, string>): Map<string, string | null> {
  return new Map(computeReachability(files).servers.map((server) => [server.name, server.router]));
}

const key = (pair: { from: string; to: string }) => `${pair.from} ${pair.to}`;

describe('predictReachability', () => {
  it('without faults, every pair of the unfaulted report', () => {
    const pairs = predictedPairs(predictReachability(keio, {}));
    expect(pairs).toHaveLength(8 * 7);
    expect(pairs.every((pair) => pair.reachable)).toBe(true);
  });

  it('partitioning site2 in keio-2019 loses exactly the pairs to and from site2', () => {
    const site = routers(keio);
    const baseline = predictedPairs(predictReachability(keio, {}));
    const cut = predictedPairs(
      predictReachability(keio, { partitions: [{ routers: ['vyos02'], from: ['vyos01', 'vyos03'] }] }),
    );
    const { lost, regained } = pairChanges(baseline, cut);
    const expected = baseline.filter(
      (pair) => (site.get(pair.from) === 'vyos02') !== (site.get(pair.to) === 'vyos02'),
    );
    expect(lost.map(key).sort()).toEqual(expected.map(key).sort());
    expect(regained).toEqual([]);
    expect(lost.every((pair) => pair.why?.startsWith('tunnel-down'))).toBe(true);
  });

  it("stopping global-hub's hub loses exactly the cross-site pairs", () => {
    const site = routers(hub);
    const baseline = predictedPairs(predictReachability(hub, {}));
    const hubEnds = ['rt-osaka', 'rt-berlin', 'rt-campus'].map((peer) => ({ router: 'hub-tokyo', peer }));
    const expected = baseline.filter((pair) => pair.reachable && site.get(pair.from) !== site.get(pair.to));
    expect(expected.length).toBeGreaterThan(0);
    for (const faults of [{ stoppedTunnelEnds: hubEnds }, { stoppedRouters: ['hub-tokyo'] }]) {
      const { lost } = pairChanges(baseline, predictedPairs(predictReachability(hub, faults)));
      if (faults.stoppedRouters) {
        // Switched off, it does not route between Tokyo's two VLANs either.
        const intra = lost.filter((pair) => site.get(pair.from) === site.get(pair.to));
        expect(intra.every((pair) => site.get(pair.from) === 'hub-tokyo')).toBe(true);
        expect(
          lost
            .filter((pair) => !intra.includes(pair))
            .map(key)
            .sort(),
        ).toEqual(expected.map(key).sort());
      } else {
        expect(lost.map(key).sort()).toEqual(expected.map(key).sort());
      }
    }
  });

  it('a down tunnel in a full mesh loses only its two sites pairs', () => {
    const site = routers(keio);
    const baseline = predictedPairs(predictReachability(keio, {}));
    const down = predictedPairs(
      predictReachability(keio, {
        stoppedTunnelEnds: [
          { router: 'vyos01', peer: 'vyos03' },
          { router: 'vyos03', peer: 'vyos01' },
        ],
      }),
    );
    const ends = new Set(['vyos01', 'vyos03']);
    const expected = baseline.filter(
      (pair) =>
        site.get(pair.from) !== site.get(pair.to) &&
        ends.has(site.get(pair.from)!) &&
        ends.has(site.get(pair.to)!),
    );
    expect(pairChanges(baseline, down).lost.map(key).sort()).toEqual(expected.map(key).sort());
  });

  it('one stopped OpenVPN end takes its tunnel down both ways', () => {
    const one = predictReachability(keio, { stoppedTunnelEnds: [{ router: 'vyos02', peer: 'vyos03' }] });
    const both = predictReachability(keio, {
      stoppedTunnelEnds: [
        { router: 'vyos02', peer: 'vyos03' },
        { router: 'vyos03', peer: 'vyos02' },
      ],
    });
    expect(predictedPairs(one).map((pair) => pair.reachable)).toEqual(
      predictedPairs(both).map((pair) => pair.reachable),
    );
  });

  it('a stopped server loses its pairs only', () => {
    const baseline = predictedPairs(predictReachability(keio, {}));
    const { lost } = pairChanges(
      baseline,
      predictedPairs(predictReachability(keio, { stoppedServers: ['node01'] })),
    );
    expect(lost).toHaveLength(2 * 7);
    expect(lost.every((pair) => pair.from === 'node01' || pair.to === 'node01')).toBe(true);
  });
});
