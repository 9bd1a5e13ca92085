import { describe, expect, it } from 'vitest';
import { fpingCommand, fpingReachabilityCommand, parseFping, parseTtls } from './probes/fping.ts';
import { parseIperf } from './probes/iperf.ts';
import { median, percentile } from './statistics.ts';
import { comparePair, renderWanMatrix, scheduleRounds, type WanPairPlan } from './wan.ts';

const probe = (site: string) => ({
  site,
  server: `${site}-s1`,
  namespace: `ns-${site}`,
  address: '10.0.0.1',
});
const plan = (
  from: string,
  to: string,
  links: string[],
  rtt = 20,
  rate: number | null = null,
): WanPairPlan => ({
  from: probe(from),
  to: probe(to),
  expectedRttMs: rtt,
  expectedRateMbps: rate,
  links,
});

describe('scheduleRounds', () => {
  it('measures a full mesh of 4 sites in 3 rounds of 2 pairs', () => {
    const sites = ['a', 'b', 'c', 'd'];
    const pairs = sites.flatMap((from, i) =>
      sites.slice(i + 1).map((to) => plan(from, to, [`${from}-${to}`])),
    );
    const rounds = scheduleRounds(pairs);
    expect(rounds.map((round) => round.map((pair) => `${pair.from.site}${pair.to.site}`))).toEqual([
      ['ab', 'cd'],
      ['ac', 'bd'],
      ['ad', 'bc'],
    ]);
  });
  it('never puts two pairs through one hub tunnel in the same round', () => {
    const pairs = [
      plan('s1', 's2', ['hub-s1', 'hub-s2']),
      plan('s3', 's4', ['hub-s3', 'hub-s4']),
      plan('s1', 's3', ['hub-s1', 'hub-s3']),
    ];
    expect(scheduleRounds(pairs).map((round) => round.length)).toEqual([2, 1]);
  });
});

describe('comparePair', () => {
  const measured = (rtt: number, throughput: number | null = null) => ({
    rttMs: { median: rtt, p10: rtt, p90: rtt },
    lossPercent: 0,
    throughputMbps: throughput,
    retransmits: 0,
  });
  it('agrees within 15% of the configured round trip plus the base', () => {
    expect(comparePair(plan('a', 'b', []), 0.8, measured(23)).agrees).toBe(true);
    const off = comparePair(plan('a', 'b', []), 0.8, measured(25));
    expect(off.agrees).toBe(false);
    expect(off.differences[0]).toContain('expected 20.8 ms (20 configured + 0.8 base)');
  });
  it('allows at least 1 ms where nothing is configured', () => {
    expect(comparePair(plan('a', 'b', [], 0), 0.3, measured(1.1)).agrees).toBe(true);
    expect(comparePair(plan('a', 'b', [], 0), 0.3, measured(2)).agrees).toBe(false);
  });
  it('holds throughput within 20% of the bottleneck, above as below', () => {
    expect(comparePair(plan('a', 'b', [], 20, 10), 0, measured(20, 9.1)).agrees).toBe(true);
    expect(comparePair(plan('a', 'b', [], 20, 10), 0, measured(20, 7.5)).agrees).toBe(false);
    expect(comparePair(plan('a', 'b', [], 20, 10), 0, measured(20, 40)).differences).toEqual([
      'throughput 40 Mbit/s, expected 10 Mbit/s ± 20%',
    ]);
  });
  it('calls a stalled TCP test on an unlimited path a disagreement', () => {
    expect(comparePair(plan('a', 'b', [], 20), 0, measured(20, 0)).differences).toEqual([
      'throughput 0 Mbit/s: the TCP test stalled',
    ]);
  });
  it('prints a site matrix with the disagreements marked', () => {
    const results = [
      comparePair(plan('a', 'b', []), 1, measured(21)),
      comparePair(plan('a', 'c', []), 1, measured(40)),
    ];
    expect(renderWanMatrix(results, 'rtt')).toBe(
      [
        'RTT ms, measured/expected  a        b      c',
        'a                          ·        21/21  40/21 !',
        'b                          21/21    ·',
        'c                          40/21 !         ·',
        '',
      ].join('\n'),
    );
  });
});

describe('statistics and iperf3', () => {
  it('takes nearest-rank percentiles', () => {
    const values = [5, 1, 4, 2, 3, 6, 7, 8, 9, 10];
    expect([percentile(values, 0.1), median(values), percentile(values, 0.9)]).toEqual([1, 5.5, 9]);
  });
  it('reads iperf3 JSON (shape recorded from iperf3 3.12) and its errors', () => {
    const json = JSON.stringify({
      end: { sum_sent: { retransmits: 12 }, sum_received: { bits_per_second: 47_012_345 } },
    });
    expect(parseIperf(json)).toEqual({ throughputMbps: 47.01, retransmits: 12 });
    expect(parseIperf(JSON.stringify({ error: 'unable to connect to server' }))).toBe(
      'iperf3: unable to connect to server',
    );
    expect(parseIperf('garbage')).toMatch(/no JSON/);
  });
});

describe('fping', () => {
  it('measures every far end of a site in one process and reads each target, lost samples too', () => {
    expect(fpingCommand('gs-s-a', ['10.2.0.11', '10.3.0.11'], 6).slice(4)).toEqual([
      'fping',
      '-C',
      '6',
      '-p',
      '50',
      '-i',
      '5',
      '-t',
      '2000',
      '-q',
      '10.2.0.11',
      '10.3.0.11',
    ]);
    // Recorded from fping 5.1 (stderr with -C -q).
    const parsed = parseFping('10.2.0.11 : 20.53 20.61 - 20.49\n10.3.0.11 : - - - -\n');
    expect(parsed.get('10.2.0.11')).toEqual({
      sent: 4,
      received: 3,
      rttsMs: [20.53, 20.61, 20.49],
      ttl: null,
    });
    expect(parsed.get('10.3.0.11')).toMatchObject({ sent: 4, received: 0 });
  });
});

describe("verify's probes", () => {
  it('one fping per sender to all its targets, and a TTL per reachable target from ping', () => {
    expect(
      fpingReachabilityCommand('gs-a', ['10.2.0.11', '10.3.0.11'], { count: 2, timeoutSeconds: 1 }),
    ).toEqual([
      'ip',
      'netns',
      'exec',
      'gs-a',
      'fping',
      '-C',
      '2',
      '-p',
      '200',
      '-i',
      '2',
      '-t',
      '1000',
      '-q',
      '10.2.0.11',
      '10.3.0.11',
    ]);
    expect(
      parseTtls(
        [
          'PING 10.2.0.11 (10.2.0.11) 56(84) bytes of data.',
          '64 bytes from 10.2.0.11: icmp_seq=1 ttl=62 time=0.512 ms',
          '1 packets transmitted, 1 received, 0% packet loss, time 0ms',
          'PING 10.1.0.12 (10.1.0.12) 56(84) bytes of data.',
          '64 bytes from 10.1.0.12: icmp_seq=1 ttl=64 time=0.05 ms',
          'PING 10.3.0.11 (10.3.0.11) 56(84) bytes of data.',
          '1 packets transmitted, 0 received, 100% packet loss, time 0ms',
        ].join('\n'),
      ),
    ).toEqual(
      new Map([
        ['10.2.0.11', 62],
        ['10.1.0.12', 64],
      ]),
    );
  });
});
