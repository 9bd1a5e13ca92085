// Shared secrets kept in the configuration: named before or after the tunnel end that uses
// them, and a name never defined is a warning on the end's line.
import { describe, expect, it } from 'vitest';
import { parseVyos } from './vyos.ts';

describe('pki openvpn shared-secret', () => {
  it('resolves a secret defined after the end that names it', () => {
    const { device, warnings } = parseVyos(
      'r',
      'f',
      [
        'set interfaces openvpn vtun0 shared-secret-key s2s',
        "set pki openvpn shared-secret s2s key 'abc'",
      ].join('\n'),
    );
    expect(warnings).toEqual([]);
    expect(device.tunnels[0]!.authentication).toEqual({ kind: 'static-key', key: 's2s' });
  });

  it('warns about a secret never defined and keeps its name as the key', () => {
    const { device, warnings } = parseVyos('r', 'f', '\nset interfaces openvpn vtun0 shared-secret-key gone');
    expect(warnings).toEqual([
      { file: 'f', line: 2, message: 'vtun0: shared-secret-key gone has no pki openvpn shared-secret gone' },
    ]);
    expect(device.tunnels[0]!.authentication).toEqual({ kind: 'static-key', key: 'gone' });
  });
});
