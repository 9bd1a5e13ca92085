import { describe, expect, it } from 'vitest';
import { forwardingTable } from './forwarding.ts';
import type { ModelRoute } from './model.ts';

function route(prefix: string, site: string, through = 'vtun1'): ModelRoute {
  return { prefix, interface: through, nextHop: `hop-${through}`, site, via: 'hub' };
}

describe('forwardingTable', () => {
  it('merges sibling prefixes that leave through the same tunnel', () => {
    const table = forwardingTable([
      route('10.10.0.0/24', 'a'),
      route('10.10.1.0/24', 'a'),
      route('10.20.0.0/24', 'b'),
    ]);
    expect(table.map((entry) => [entry.prefix, entry.sites])).toEqual([
      ['10.10.0.0/23', ['a']],
      ['10.20.0.0/24', ['b']],
    ]);
  });

  it('never merges across tunnels or over a hole', () => {
    const table = forwardingTable([
      route('10.0.0.0/24', 'a'),
      route('10.0.1.0/24', 'b', 'vtun2'),
      route('10.0.2.0/24', 'c'),
      route('10.0.3.0/24', 'd'),
    ]);
    expect(table.map((entry) => `${entry.prefix} ${entry.interface}`)).toEqual([
      '10.0.0.0/24 vtun1',
      '10.0.1.0/24 vtun2',
      '10.0.2.0/23 vtun1',
    ]);
  });

  it('covers exactly the original addresses: 999 remote /24s around a hole give a few prefixes', () => {
    const routes: ModelRoute[] = [];
    for (let index = 0; index < 1000; index++) {
      if (index === 4) continue; // this site's own LAN
      routes.push(route(`10.${Math.floor(index / 256)}.${index % 256}.0/24`, `s${index}`));
    }
    const table = forwardingTable(routes);
    expect(table.length).toBeLessThan(16);
    const covered = table.reduce((sum, entry) => sum + 2 ** (24 - Number(entry.prefix.split('/')[1])), 0);
    expect(covered).toBe(999);
    expect(table.flatMap((entry) => entry.sites)).toHaveLength(999);
    expect(table.some((entry) => entry.prefix === '10.0.4.0/24')).toBe(false);
  });
});
