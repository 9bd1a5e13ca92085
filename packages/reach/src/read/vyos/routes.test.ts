// Static routes in both syntaxes: the untokenized fast path and the full reader agree, and
// blackhole, next-hop and distance forms are read.
import { describe, expect, it } from 'vitest';
import { formatAddress, formatPrefix } from '../../address.ts';
import { parseVyos } from './vyos.ts';

const routes = (text: string) =>
  parseVyos('r', 'f', text).device.routes.map((route) => [
    formatPrefix(route.prefix),
    route.interface,
    route.nextHop === null ? null : formatAddress(route.nextHop),
    route.blackhole,
    route.distance,
  ]);

describe('static routes', () => {
  it('reads an interface route the same whether the fast path or the reader takes it', () => {
    expect(routes('set protocols static route 10.1.0.0/16 interface vtun0')).toEqual(
      routes("set protocols static route '10.1.0.0/16' interface vtun0"),
    );
    expect(routes('set protocols static interface-route 10.1.0.0/16 next-hop-interface vtun0')).toEqual([
      ['10.1.0.0/16', 'vtun0', null, false, 1],
    ]);
  });

  it('reads next-hop, blackhole and distance', () => {
    expect(
      routes(
        [
          'set protocols static route 0.0.0.0/0 next-hop 198.51.100.1 distance 5',
          'set protocols static route 10.9.0.0/16 blackhole distance 250',
          'set protocols static route 10.8.0.0/16 blackhole',
          'set protocols static route 10.7.0.0/16 interface eth1 distance 3',
        ].join('\n'),
      ),
    ).toEqual([
      ['0.0.0.0/0', null, '198.51.100.1', false, 5],
      ['10.9.0.0/16', null, null, true, 250],
      ['10.8.0.0/16', null, null, true, 1],
      ['10.7.0.0/16', 'eth1', null, false, 3],
    ]);
  });

  it('warns about a bad prefix or distance and reads no route', () => {
    const { device, warnings } = parseVyos(
      'r',
      'f',
      'set protocols static route 10.0.0.0/33 interface vtun0\nset protocols static route 10.0.0.0/8 next-hop 10.0.0.1 distance x',
    );
    expect(device.routes).toEqual([]);
    expect(warnings.map((warning) => warning.message)).toEqual([
      'invalid route prefix: set protocols static route 10.0.0.0/33 interface vtun0',
      'invalid distance: set protocols static route 10.0.0.0/8 next-hop 10.0.0.1 distance x',
    ]);
  });
});
