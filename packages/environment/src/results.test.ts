import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseVerify, type VerifyResults, writeResults } from './results.ts';

describe('results/verify.json', () => {
  it('reads back what verify writes, keeping the fields readers rely on', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'gs-results-'));
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
    await rm(folder, { recursive: true, force: true });
  });

  it('reports a malformed file as a message', () => {
    expect(parseVerify('{')).toMatch(/not JSON/);
    expect(parseVerify('{"measuredAt": "x", "pairs": [{"from": "lb"}]}')).toMatch(/pairs\[0\]/);
  });
});
