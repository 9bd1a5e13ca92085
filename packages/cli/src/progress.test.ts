import { describe, expect, it } from 'vitest';
import { withProgress } from './progress.ts';

describe('withProgress', () => {
  it('passes every item through, reports the count once per interval, and clears what it showed', () => {
    let clock = 0;
    const said: string[] = [];
    const items = withProgress(
      [1, 2, 3, 4, 5, 6, 7],
      (count) => said.push(`${count}`),
      () => said.push('clear'),
      { every: 100, now: () => clock },
    );
    const seen: number[] = [];
    for (const item of items) {
      seen.push(item);
      clock += 40;
    }
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7]);
    // 40 ms an item: 100 ms have passed after the 3rd item, and again after the 6th.
    expect(said).toEqual(['3', '6', 'clear']);
  });

  it('says nothing, and clears nothing, when the work ends within one interval', () => {
    const said: string[] = [];
    const items = withProgress(
      [1, 2],
      (count) => said.push(`${count}`),
      () => said.push('clear'),
      {
        every: 100,
        now: () => 0,
      },
    );
    expect([...items]).toEqual([1, 2]);
    expect(said).toEqual([]);
  });

  it('clears its line when the consumer stops early or the items throw', () => {
    let clock = 0;
    const said: string[] = [];
    function* failing() {
      yield 1;
      clock += 200;
      yield 2;
      throw new Error('the generator failed');
    }
    const items = withProgress(
      failing(),
      (count) => said.push(`${count}`),
      () => said.push('clear'),
      {
        every: 100,
        now: () => clock,
      },
    );
    expect(() => [...items]).toThrow(/failed/);
    expect(said).toEqual(['2', 'clear']);
  });
});
