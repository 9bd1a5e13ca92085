import type { MeasuredPair } from '@geostage/environment';
import { describe, expect, it } from 'vitest';
import { parsePing } from './ping.ts';
import { renderComparison, renderMeasured } from './render.ts';
import { median } from './statistics.ts';

const REPLIES = `PING 192.168.10.101 (192.168.10.101) 56(84) bytes of data.
64 bytes from 192.168.10.101: icmp_seq=1 ttl=62 time=1.96 ms
64 bytes from 192.168.10.101: icmp_seq=2 ttl=62 time=0.371 ms

--- 192.168.10.101 ping statistics ---
2 packets transmitted, 2 received, 0% packet loss, time 201ms
rtt min/avg/max/mdev = 0.371/1.166/1.961/0.795 ms
`;

const LOST = `PING 192.168.20.101 (192.168.20.101) 56(84) bytes of data.

--- 192.168.20.101 ping statistics ---
2 packets transmitted, 0 received, 100% packet loss, time 1021ms
`;

describe('parsePing', () => {
  it('reads replies, TTL and the statistics line', () => {
    expect(parsePing(REPLIES)).toEqual({ sent: 2, received: 2, rttsMs: [1.96, 0.371], ttl: 62 });
    expect(parsePing(LOST)).toEqual({ sent: 2, received: 0, rttsMs: [], ttl: null });
  });

  it('takes the median', () => {
    expect(median([1.96, 0.371])).toBeCloseTo(1.1655);
    expect(median([3, 1, 2])).toBe(2);
    expect(median([])).toBeNull();
  });
});

describe('renderMeasured', () => {
  const pair = (from: string, to: string, reachable: boolean): MeasuredPair => ({
    from,
    to,
    reachable,
    rttMs: reachable ? 0.5 : null,
    ttl: reachable ? 62 : null,
    sent: 2,
    received: reachable ? 2 : 0,
  });
  const servers = [
    { name: 'a', router: 'r1' },
    { name: 'b', router: 'r2' },
  ];

  it('prints the thesis layout, grouped by router', () => {
    const text = renderMeasured([pair('a', 'b', true), pair('b', 'a', false)], servers, { title: 'lab' });
    expect(text.split('\n').slice(0, 6)).toEqual([
      'lab: o reachable, x not, - itself',
      '      | r1| r2',
      '      | a | b',
      'r1  a | - | o',
      'r2  b | x | -',
      '1 of 2 server pairs reachable',
    ]);
    expect(text).toContain('r1  a | -     | 0.50');
  });

  it('numbers the columns when the names do not fit', () => {
    const text = renderMeasured([pair('a', 'b', true), pair('b', 'a', true)], servers, { width: 10 });
    expect(text).toContain('r1  1 a | - | o');
  });

  it('lists every disagreement', () => {
    expect(
      renderComparison(
        {
          disagreements: [{ from: 'a', to: 'b', computed: true, measured: false, why: null }],
          ttl: [],
          unmeasured: [],
        },
        2,
      ),
    ).toBe('1 of 2 server pairs disagree with reach:\n  a -> b: reach o, measured x\n');
  });
});
