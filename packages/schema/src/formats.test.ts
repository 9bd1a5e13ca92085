import { describe, expect, it } from 'vitest';
import { firstInvalidByte } from './bytes.ts';
import { FORMATS } from './formats.ts';

const matches = (format: keyof typeof FORMATS, value: string) =>
  new RegExp(FORMATS[format].pattern, 'u').test(value);

describe('formats refuse what their consumer refuses', () => {
  const cases: Record<keyof typeof FORMATS, { good: string[]; bad: string[] }> = {
    dnsLabel: {
      good: ['site1', 'a', '1a', 'x'.repeat(63)],
      bad: ['', 'A', 'a_b', '-a', 'a-', 'a.b', 'x'.repeat(64)],
    },
    applicationName: { good: ['web', 'ledger-2'], bad: ['2fa', 'Web', 'web-', ''] },
    dnsSubdomain: {
      good: ['cluster.local', 'k8s.global-hub.example', 'a', `${'x'.repeat(63)}.org`],
      bad: [
        'k8s api.example',
        'Cluster.Local',
        'a..b',
        'a.',
        '.a',
        `${'x'.repeat(64)}.org`,
        `${'a.'.repeat(127)}ab`,
      ],
    },
    labelValue: {
      good: ['asia', 'europe-west', 'Zone_1.a', 'x'.repeat(63)],
      bad: ['west europe', '-a', 'a-', 'a/b', 'x'.repeat(64), 'é'],
    },
    quantity: {
      good: ['100m', '250m', '0.5', '2', '128Mi', '1Gi', '512M', '1e3', '+1', '.5', '1.'],
      bad: ['lots', '512MB', '-1', '1 Gi', '', 'Mi', '1m2', '1Ki1'],
    },
    imageReference: {
      good: [
        'nginx:1.27',
        'bitcoin/bitcoin:28.1',
        'registry.example.org:5000/team/app:2.1',
        'localhost/a__b/c-d',
        `busybox@sha256:${'a'.repeat(64)}`,
        '[::1]:5000/app',
      ],
      bad: [
        'Nginx:1.27',
        'https://registry/x:1',
        'postgres:16 alpine',
        'app:',
        ':1.0',
        'a//b',
        `a:${'t'.repeat(129)}`,
      ],
    },
    portName: {
      good: ['http', 'rpc', 'p2p', 'a-1'],
      bad: ['8080', 'rpc--main', 'metrics-exporter', 'Http', '-a', ''],
    },
    interfaceName: {
      good: ['eth0', 'ens160', 'enp1s0', 'br-lan.10'],
      bad: ['0eth', 'eth 0', 'a'.repeat(16), 'eth/0'],
    },
    kubernetesVersion: { good: ['1.32.4'], bad: ['v1.32.4', '1.32', '2.0.0'] },
    argument: { good: ['-a', '', 'a b\nc'], bad: ['one\u0000two'] },
    peerArgument: {
      good: ['-addnode={peer}:18444', '--peer {peer}'],
      bad: ['-a\n{peer}', '{peer}\t', '\r{peer}'],
    },
  };
  for (const [format, { good, bad }] of Object.entries(cases) as [
    keyof typeof FORMATS,
    { good: string[]; bad: string[] },
  ][]) {
    it(`${format} takes ${good.length} valid values and refuses ${bad.length} invalid ones`, () => {
      for (const value of good) expect(matches(format, value), JSON.stringify(value)).toBe(true);
      for (const value of bad) expect(matches(format, value), JSON.stringify(value)).toBe(false);
    });
  }

  it('advises a value every DNS format would take, when it offers one', () => {
    for (const value of ['Beta_Site', 'west europe', 'My.App']) {
      const hint = FORMATS.dnsLabel.advise(value);
      const offered = /write "([^"]+)"/.exec(hint)?.[1];
      if (offered) expect(matches('dnsLabel', offered), hint).toBe(true);
    }
  });
});

describe('firstInvalidByte', () => {
  const at = (bytes: number[]) => firstInvalidByte(Uint8Array.from(bytes));
  it('finds nothing wrong in UTF-8 (the length of the input)', () => {
    expect(at([...Buffer.from('café ✓ 𝄞')])).toBe(Buffer.from('café ✓ 𝄞').length);
  });
  it('points at a Latin-1 byte, a lone continuation, an overlong form, a surrogate and a cut sequence', () => {
    expect(at([0x61, 0xe9, 0x0a])).toBe(1);
    expect(at([0x61, 0x80])).toBe(1);
    expect(at([0xc0, 0xaf])).toBe(0);
    expect(at([0x61, 0xed, 0xa0, 0x80])).toBe(1);
    expect(at([0x61, 0x62, 0xe2, 0x9c])).toBe(2);
    expect(at([0xf4, 0x90, 0x80, 0x80])).toBe(0);
  });
});
