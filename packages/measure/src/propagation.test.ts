// Propagation delays from publications and arrivals: per message, per site pair, until every replica.
import { describe, expect, it } from 'vitest';
import { controlPort, parseReplicaLog, propagationReport, renderPropagation } from './propagation.ts';

const replicas = [
  { name: 'g-s1-0', site: 's1' },
  { name: 'g-s2-0', site: 's2' },
  { name: 'g-s2-1', site: 's2' },
  { name: 'g-s3-0', site: 's3' },
];

describe('propagationReport', () => {
  it('delays per replica, p50/p95 per site pair, and the time until every replica had it', () => {
    const report = propagationReport(
      'g',
      [
        { id: 'm1', origin: 'g-s1-0', publishedAt: 1000 },
        { id: 'm2', origin: 'g-s1-0', publishedAt: 2000 },
      ],
      [
        { id: 'm1', replica: 'g-s2-0', at: 1010 },
        { id: 'm1', replica: 'g-s2-1', at: 1020 },
        { id: 'm1', replica: 'g-s3-0', at: 1030 },
        { id: 'm1', replica: 'g-s3-0', at: 1090 },
        { id: 'm2', replica: 'g-s2-0', at: 2012 },
      ],
      replicas,
    );
    expect(report.messages[0]).toMatchObject({ originSite: 's1', missing: [], allMs: 30 });
    expect(report.messages[1]).toMatchObject({ missing: ['g-s2-1', 'g-s3-0'], allMs: null });
    expect(report.pairs).toEqual([
      { from: 's1', to: 's2', samples: 3, p50: 12, p95: 20 },
      { from: 's1', to: 's3', samples: 1, p50: 30, p95: 30 },
    ]);
    expect(report.all).toEqual({ p50: 30, p95: 30 });
    expect(renderPropagation(report)).toContain('never reached g-s2-1, g-s3-0');
  });

  it("reads the example application's log lines and its control port", () => {
    const log = [
      '{"event":"listening","at":1}',
      'not json',
      '{"event":"published","at":5,"id":"m1","publishedAt":4}',
      '{"event":"message","at":9,"id":"m0"}',
    ].join('\n');
    expect(parseReplicaLog('r', log)).toEqual({
      arrivals: [{ id: 'm0', replica: 'r', at: 9 }],
      publications: [{ id: 'm1', origin: 'r', publishedAt: 4 }],
    });
    expect(controlPort({ command: ['node', 'main.ts', '--control', '5002'] })).toBe(5002);
    expect(controlPort({ command: ['node', 'main.ts', '--control=5003'] })).toBe(5003);
    expect(controlPort({ command: ['node'] })).toBe(4002);
  });
});
