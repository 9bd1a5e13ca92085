import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { set, setLine, tag } from './command.ts';
import { quote, splitWords } from './quoting.ts';

describe('quote', () => {
  it('leaves words bash reads unchanged bare', () => {
    for (const word of [
      'eth0',
      '10.4.0.90/16',
      'site-to-site',
      '/config/auth/site1--site2.key',
      '@secret:openvpn/x.key.body@',
      'aes256',
    ]) {
      expect(quote(word)).toBe(word);
    }
  });

  it('single-quotes words with spaces, shell characters or nothing at all', () => {
    expect(quote('to site2 (vyos02)')).toBe("'to site2 (vyos02)'");
    expect(quote('a;b')).toBe("'a;b'");
    expect(quote('$HOME')).toBe("'$HOME'");
    expect(quote('*')).toBe("'*'");
    expect(quote('~root')).toBe("'~root'");
    expect(quote('')).toBe("''");
  });

  it('escapes a single quote by closing and reopening', () => {
    expect(quote("Tokyo's hub")).toBe("'Tokyo'\\''s hub'");
    expect(splitWords(quote("Tokyo's hub"))).toEqual(["Tokyo's hub"]);
  });

  it('refuses a line break, which would end the command', () => {
    expect(() => quote('two\nlines')).toThrow(/line break/);
  });

  it('round-trips any printable word through splitWords', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: 'grapheme-ascii', minLength: 0, maxLength: 20 }), {
          minLength: 1,
          maxLength: 6,
        }),
        (list) => {
          const printable = list.map((word) => word.replace(/[\r\n\0]/g, ''));
          expect(splitWords(printable.map(quote).join(' '))).toEqual(printable);
        },
      ),
    );
  });

  it('quotes every word of a set line with the same rule', () => {
    const command = set(['interfaces', tag('openvpn', 'vtun2')], 'description', 'to site2 (vyos02)');
    expect(setLine(command)).toBe("set interfaces openvpn vtun2 description 'to site2 (vyos02)'");
  });
});
