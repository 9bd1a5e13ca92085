import { describe, expect, it } from 'vitest';
import { detectWan } from './detect.ts';
import { type Impairment, NO_IMPAIRMENT, queueBytes, type WanLink } from './impairment.ts';
import { netemCommand } from './netem.ts';
import { wirefilterOptions } from './wirefilter.ts';
import { planWan } from './wiring.ts';

const ten: Impairment = { delayMs: 10, jitterMs: 0, lossPercent: 0, rateMbps: null };
const link = (name: string, a: string, b: string, aToB = ten, bToA = ten): WanLink => ({
  name,
  a: { site: name.split('-')[0]!, address: a },
  b: { site: name.split('-')[1]!, address: b },
  aToB,
  bToA,
});

describe('wirefilter options', () => {
  it('gives one value for a symmetric wire and LR/RL for an asymmetric one', () => {
    expect(wirefilterOptions(ten, ten)).toEqual(['-d', '10', '-l', '0']);
    expect(wirefilterOptions(ten, { ...ten, delayMs: 30, lossPercent: 1.5 })).toEqual([
      '-d',
      'LR10',
      '-d',
      'RL30',
      '-l',
      'LR0',
      '-l',
      'RL1.5',
    ]);
  });
  it('rounds delays to whole milliseconds, which is all wirefilter keeps', () => {
    expect(wirefilterOptions({ ...ten, delayMs: 4.973, jitterMs: 0.4 }, { ...ten, delayMs: 68.879 })).toEqual(
      ['-d', 'LR5', '-d', 'RL69', '-l', '0'],
    );
  });
  it('writes jitter as a uniform variation and a rate as bytes per second with a BDP-sized queue', () => {
    const fifty = { delayMs: 10, jitterMs: 2, lossPercent: 0, rateMbps: 50 };
    expect(wirefilterOptions(fifty, fifty)).toEqual([
      '-d',
      '10+2U',
      '-l',
      '0',
      '-b',
      '6250000',
      '-c',
      String(queueBytes(fifty, fifty)),
    ]);
    // 50 Mbit/s over a 24 ms round trip: 150 kB in flight, the queue holds twice that.
    expect(queueBytes(fifty, fifty)).toBe(300_000);
    expect(queueBytes({ ...NO_IMPAIRMENT, rateMbps: 1 }, NO_IMPAIRMENT)).toBe(131_072);
  });
});

describe('netem', () => {
  it('merges every value into one qdisc with a limit that holds the bandwidth-delay product', () => {
    const slow = { delayMs: 100, jitterMs: 5, lossPercent: 0.5, rateMbps: 100 };
    expect(netemCommand('gs-u', 'e0t', slow, slow)).toEqual([
      'tc',
      '-n',
      'gs-u',
      'qdisc',
      'replace',
      'dev',
      'e0t',
      'root',
      'netem',
      'delay',
      '100ms',
      '5ms',
      'loss',
      '0.5%',
      'rate',
      '100mbit',
      'limit',
      '3500',
    ]);
  });
});

describe('planWan', () => {
  const input = {
    underlay: 'gs-abcd-u',
    links: [
      link('site1-site2', '203.0.113.1', '203.0.113.2'),
      link('site1-site3', '203.0.113.1', '100.64.0.2'),
    ],
    wireNamespace: (index: number) => `gs-abcd-e-${index}`,
    folder: '/lab',
    mtu: 1500,
    routerPorts: [
      { device: 'w1', host: '203.0.113.1' },
      { device: 'w2', host: '203.0.113.2' },
    ],
    wanPrefixes: ['203.0.113.0/24'],
  };
  it('gives every link a wire namespace, a wire process and policy rules for both directions', () => {
    const planned = planWan({ ...input, mechanism: 'wirefilter' });
    if (!planned.ok) throw new Error(planned.error);
    const { wiring } = planned;
    expect(wiring.namespaces.map((n) => n.name)).toEqual(['gs-abcd-e-0', 'gs-abcd-e-1']);
    expect(wiring.wires[1]!.command).toEqual([
      'dpipe',
      'ip',
      'netns',
      'exec',
      'gs-abcd-u',
      'vde_plug',
      'tap://e1t',
      '=',
      'wirefilter',
      '-d',
      '10',
      '-l',
      '0',
      '-M',
      '/lab/wan/site1-site3.mgmt',
      '=',
      'ip',
      'netns',
      'exec',
      'gs-abcd-e-1',
      'vde_plug',
      'tap://wire',
    ]);
    const rules = wiring.connect
      .filter((command) => command.includes('rule'))
      .map((command) => command.slice(4).join(' '));
    expect(rules).toContain('add from 203.0.113.1/32 to 100.64.0.2/32 lookup 1002 priority 200');
    expect(rules).toContain('add from 100.64.0.2/32 to 203.0.113.1/32 lookup 1003 priority 200');
    expect(rules).toContain('add iif e1t lookup main priority 100');
    // Addresses from 198.18.0.0/15, two /30 per link.
    expect(wiring.connect).toContainEqual([
      'ip',
      '-n',
      'gs-abcd-u',
      'addr',
      'add',
      '198.18.0.9/30',
      'dev',
      'e1t',
    ]);
  });
  it('with netem makes the wire a veth with a qdisc on each impaired end', () => {
    const planned = planWan({ ...input, mechanism: 'netem' });
    if (!planned.ok) throw new Error(planned.error);
    expect(planned.wiring.wires.every((wire) => wire.command === null)).toBe(true);
    const qdiscs = planned.wiring.connect.filter((command) => command[0] === 'tc');
    expect(qdiscs).toHaveLength(4);
  });
});

describe('detectWan', () => {
  const runner = (netem: boolean, have: string[]) => async (command: string[]) => {
    if (command[0] === 'which') return { code: have.includes(command[1]!) ? 0 : 1, stderr: '' };
    if (command[0] === 'tc')
      return netem
        ? { code: 0, stderr: '' }
        : { code: 2, stderr: 'Error: Specified qdisc kind is unknown.\n' };
    return { code: 0, stderr: '' };
  };
  it('takes netem where the kernel has it, wirefilter where not, and fails with neither', async () => {
    expect(await detectWan(runner(true, []), 'gs-u')).toMatchObject({ ok: true, mechanism: 'netem' });
    expect(await detectWan(runner(false, ['dpipe', 'vde_plug', 'wirefilter']), 'gs-u')).toMatchObject({
      ok: true,
      mechanism: 'wirefilter',
      why: expect.stringContaining('Specified qdisc kind is unknown'),
    });
    const neither = await detectWan(runner(false, ['dpipe']), 'gs-u');
    expect(neither).toMatchObject({
      ok: false,
      error: expect.stringContaining('missing: vde_plug, wirefilter'),
    });
  });
});

describe('wire control', async () => {
  const { parseShowinfo, wirefilterCommands } = await import('./control.ts');
  it('sets both directions, rate as bytes per second, and sizes the queue', () => {
    expect(wirefilterCommands(ten, { ...ten, rateMbps: 10 })).toEqual([
      'delay LR10',
      'loss LR0',
      'bandwidth LR0',
      'delay RL10',
      'loss RL0',
      'bandwidth RL1250000',
      'chanbufsize 131072',
    ]);
  });
  it('reads the values back from showinfo (recorded from wirefilter 2.3.2)', () => {
    const info = [
      'WireFilter: bidirectional',
      'Loss   L->R 0+0U   R->L 2+0U',
      'Delay  L->R 5+1U   R->L 10+0U',
      'Bandw  L->R 1000+0U   R->L 0+0U',
    ].join('\n');
    expect(parseShowinfo(info)).toEqual({ delayMs: [5, 10], lossPercent: [0, 2], bandwidthBytes: [1000, 0] });
  });
});
