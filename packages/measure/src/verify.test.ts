// verifyLab without a lab: a typed outcome the CLI turns into its message and exit code.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyLab } from './verify.ts';

const folder = mkdtempSync(join(tmpdir(), 'gs-verify-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('verifyLab', () => {
  it('says there is no lab, and measures nothing', async () => {
    const outcome = await verifyLab({
      environment: 'x',
      folder,
      resultsPath: join(folder, 'results', 'verify.json'),
      network: join(folder, 'generated', 'network'),
      concurrency: 8,
      count: 2,
      timeoutSeconds: 1,
    });
    expect(outcome).toEqual({
      ok: false,
      kind: 'no-lab',
      error: 'no lab of x is up; run geostage lab up x',
    });
  });
});
