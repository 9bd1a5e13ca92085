// lab status pings the far end of each tunnel and looks for its routes: both come from its configuration.
import { describe, expect, it } from 'vitest';
import { tunnelConfig } from './status.ts';

describe('tunnelConfig', () => {
  it('reads the far end and the routes of an openvpn configuration', () => {
    const text =
      'dev vtun2\nifconfig 10.255.0.1 10.255.0.2\n# x\nroute 10.1.0.0 255.255.0.0\nroute 192.0.2.0 255.255.255.0\n';
    expect(tunnelConfig(text)).toEqual({ peer: '10.255.0.2', routes: ['10.1.0.0/16', '192.0.2.0/24'] });
    expect(tunnelConfig('')).toEqual({ peer: null, routes: [] });
  });
});
