// The matrix as a person reads it: the thesis layout for a few servers, groups when too wide.
import { describe, expect, it } from 'vitest';
import { readGeneratedNetwork } from '../read/files.ts';
import { computeReachability } from '../simulate/reachability.ts';
import { renderMatrix } from './render.ts';

const network = (env: string) =>
  new URL(`../../../../environments/${env}/generated/network`, import.meta.url).pathname;

describe('renderMatrix', () => {
  it('prints keio-2019 before the VPN like thesis table 4.6, grouped by router', async () => {
    const report = computeReachability(await readGeneratedNetwork(network('keio-2019')));
    expect(renderMatrix(report, 'before')).toBe(
      [
        'Reachability before the VPN (tunnels removed): o reachable, x not, - itself',
        '                 | vyos01                              | vyos02            | vyos03',
        '                 | lb       master01 master02 master03 | node01   node02   | node03   node04',
        'vyos01  lb       | -        o        o        o        | x        x        | x        x',
        '        master01 | o        -        o        o        | x        x        | x        x',
        '        master02 | o        o        -        o        | x        x        | x        x',
        '        master03 | o        o        o        -        | x        x        | x        x',
        'vyos02  node01   | x        x        x        x        | -        o        | x        x',
        '        node02   | x        x        x        x        | o        -        | x        x',
        'vyos03  node03   | x        x        x        x        | x        x        | -        o',
        '        node04   | x        x        x        x        | x        x        | o        -',
        '16 of 56 server pairs reachable; x: 40 no-route',
        '',
      ].join('\n'),
    );
  });

  it('falls back to server groups, then to one line per group, when the terminal is narrow', async () => {
    const report = computeReachability(await readGeneratedNetwork(network('global-hub')));
    const groups = renderMatrix(report, 'after', { width: 70 });
    expect(groups).toContain('(9 servers do not fit 70 columns: one row per server group)');
    expect(groups).toContain('1 hub-tokyo 10.10.0.0/24 (2 servers) | o o o o o');
    const summary = renderMatrix(report, 'before', { width: 30, reasons: false });
    expect(summary.split('\n')[1]).toBe('hub-tokyo 10.10.0.0/24 (2 servers): reaches 2 of 8 other servers');
  });
});
