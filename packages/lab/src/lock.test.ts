// One lab of an environment at a time: the second taker is told who holds the lock.
import { writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { lockLab, lockPath } from './lock.ts';

describe('lockLab', () => {
  it('refuses a second holder, naming the first, and is free again once released', async () => {
    const folder = `/nowhere/lock-test-${process.pid}-${Date.now()}`;
    const first = await lockLab(folder, 'x', 'lab up');
    expect(first.ok).toBe(true);
    // Another live process holds it: pid 1 is always alive.
    await writeFile(lockPath(folder), JSON.stringify({ pid: 1, what: 'lab up', since: 'then' }));
    const second = await lockLab(folder, 'x', 'lab up');
    expect(second.ok).toBe(false);
    if (!second.ok) expect(second.error).toMatch(/^lab up of x is already running \(pid 1, since then\)/);
    await writeFile(lockPath(folder), JSON.stringify({ pid: process.pid, what: 'lab up', since: 'now' }));
    if (first.ok) await first.release();
    const third = await lockLab(folder, 'x', 'lab down');
    expect(third.ok).toBe(true);
    if (third.ok) await third.release();
  });

  it('takes over a lock whose holder died', async () => {
    const folder = `/nowhere/lock-stale-${process.pid}-${Date.now()}`;
    await writeFile(lockPath(folder), JSON.stringify({ pid: 2 ** 22 + 1, what: 'lab up', since: 'then' }));
    const taken = await lockLab(folder, 'x', 'lab up');
    expect(taken.ok).toBe(true);
    if (taken.ok) await taken.release();
  });
});
