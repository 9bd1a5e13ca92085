// lab up's batches: every `link add` before anything else, each namespace's other commands in
// the wiring's order, programs run inside a namespace after its batch, lo set up once.
import { describe, expect, it } from 'vitest';
import { batchLine, failedLine, planBatches } from './batch.ts';
import { inside, ip, veth } from './wiring/commands.ts';

describe('planBatches', () => {
  const commands = [
    ip('sw', 'link', 'add', 'br0', 'type', 'bridge'),
    ip('sw', 'link', 'set', 'br0', 'up'),
    ...veth('r', 'eth1', 'sw', 't0', 1500),
    ip('sw', 'link', 'set', 't0', 'master', 'br0'),
    ip('r', 'addr', 'add', '10.0.0.1/24', 'dev', 'eth1'),
    inside('r', 'nft', '-f', '/lab/nftables.conf'),
    ip('r', 'route', 'add', 'default', 'via', '10.0.0.254'),
  ];

  it('makes every link first, then runs each namespace in order, programs after its batch', () => {
    const plan = planBatches(commands, new Set(['r', 'sw', 'elsewhere']));
    expect(plan.links).toEqual([
      {
        namespace: 'sw',
        lines: [
          ['link', 'set', 'lo', 'up'],
          ['link', 'add', 'br0', 'type', 'bridge'],
        ],
        after: [],
      },
      {
        namespace: 'r',
        lines: [
          ['link', 'set', 'lo', 'up'],
          [
            'link',
            'add',
            'eth1',
            'mtu',
            '1500',
            'type',
            'veth',
            'peer',
            'name',
            't0',
            'mtu',
            '1500',
            'netns',
            'sw',
          ],
        ],
        after: [],
      },
    ]);
    expect(plan.rest).toEqual([
      {
        namespace: 'sw',
        lines: [
          ['link', 'set', 'br0', 'up'],
          ['link', 'set', 't0', 'up'],
          ['link', 'set', 't0', 'master', 'br0'],
        ],
        after: [],
      },
      {
        namespace: 'r',
        lines: [
          ['link', 'set', 'eth1', 'up'],
          ['addr', 'add', '10.0.0.1/24', 'dev', 'eth1'],
          ['route', 'add', 'default', 'via', '10.0.0.254'],
        ],
        after: [['ip', 'netns', 'exec', 'r', 'nft', '-f', '/lab/nftables.conf']],
      },
    ]);
    expect(plan.other).toEqual([]);
  });

  it('sets lo up only in the first batch a namespace gets, and leaves the others in the set', () => {
    const down = new Set(['r', 'sw', 'elsewhere']);
    planBatches(commands, down);
    expect([...down]).toEqual(['elsewhere']);
    const again = planBatches(commands, down);
    expect(again.links.flatMap((batch) => batch.lines).filter((line) => line.includes('lo'))).toEqual([]);
  });

  it('quotes arguments with blanks, and names the command of the line ip says failed', () => {
    expect(batchLine(['addr', 'add', 'a b'])).toBe('addr add "a b"');
    const plan = planBatches(commands);
    expect(failedLine(plan.rest[1]!, 'RTNETLINK answers: File exists\nCommand failed -:2\n')).toBe(
      'ip -n r addr add 10.0.0.1/24 dev eth1',
    );
    expect(failedLine(plan.rest[1]!, 'something else')).toBeNull();
  });
});
