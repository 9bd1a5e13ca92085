import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { parseVerify, type VerifyResults, writeResults } from './results.ts';

describe('results/verify.json', () => {
  it('reads back what verify writes, keeping the fields readers rely on', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'gs-results-'));
    onTestFinished(() => rm(folder, { recursive: true, force: true }));
    const results: VerifyResults = {
      measuredAt: '2025-01-31T12:00:00Z',
      environment: 'keio-2019',
      method: 'lab',
      pairs: [{ from: 'node01', to: 'master01', reachable: true, rttMs: 1.2, ttl: 62, sent: 2, received: 2 }],
    };
    const path = join(folder, 'results', 'verify.json');
    await writeResults(path, results);
    expect(parseVerify(await readFile(path, 'utf8'))).toEqual({
      measuredAt: '2025-01-31T12:00:00Z',
      pairs: [{ from: 'node01', to: 'master01', reachable: true, rttMs: 1.2 }],
    });
  });

  it('reads back a sampled verify: which site pairs of how many, with which seed', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'gs-results-'));
    onTestFinished(() => rm(folder, { recursive: true, force: true }));
    const sample = {
      seed: 7,
      sitePairs: [['keio', 'wide']] as [string, string][],
      totalSitePairs: 3,
      totalPairs: 56,
    };
    const path = join(folder, 'results', 'verify.json');
    await writeResults(path, {
      measuredAt: '2025-01-31T12:00:00Z',
      environment: 'keio-2019',
      method: 'lab, sampled',
      sample,
      pairs: [{ from: 'node01', to: 'master01', reachable: true, rttMs: 1.2, ttl: 62, sent: 2, received: 2 }],
    });
    expect(JSON.parse(await readFile(path, 'utf8')).sample).toEqual(sample);
    expect(parseVerify(await readFile(path, 'utf8'))).toEqual({
      measuredAt: '2025-01-31T12:00:00Z',
      sample,
      pairs: [{ from: 'node01', to: 'master01', reachable: true, rttMs: 1.2 }],
    });
    expect(
      parseVerify(JSON.stringify({ measuredAt: 'x', pairs: [], sample: { seed: 1, sitePairs: [['a']] } })),
    ).toMatch(/sample needs seed, sitePairs/);
  });

  it('reports a malformed file as a message', () => {
    expect(parseVerify('{')).toMatch(/not JSON/);
    expect(parseVerify('{"measuredAt": "x", "pairs": [{"from": "lb"}]}')).toMatch(/pairs\[0\]/);
  });
});

describe('wan.json', async () => {
  const { parseWanResults } = await import('./results.ts');
  const pair = {
    from: 'site1',
    to: 'site2',
    servers: { from: 'a', to: 'b' },
    expected: { rttMs: 20, rateMbps: null },
    baseRttMs: 0.6,
    measured: { rttMs: { median: 20.9, p10: 20.7, p90: 21.4 }, loss: 0, throughputMbps: 300, retransmits: 2 },
    agrees: true,
  };
  it('reads what measure writes, and names what a malformed file lacks', () => {
    const parsed = parseWanResults(JSON.stringify({ measuredAt: '2026-12-01T00:00:00Z', sitePairs: [pair] }));
    expect(parsed).toMatchObject({ emulation: 'none', sitePairs: [{ ...pair, differences: [] }] });
    expect(parseWanResults('{"measuredAt": "x", "sitePairs": [{"from": "a"}]}')).toMatch(
      /sitePairs\[0\] needs/,
    );
    expect(parseWanResults('nope')).toMatch(/not JSON/);
  });
});
