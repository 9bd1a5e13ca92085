import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { yamlText } from './yaml-text.ts';

// What the generators wrote before, through `yaml`.
const BEFORE = { lineWidth: 0, minContentWidth: 0, aliasDuplicateObjects: false } as const;

describe('yamlText', () => {
  const word = fc.stringMatching(/^[-a-zA-Z0-9./:@_ "'#*&!{}[\],]{0,16}$/);
  const scalar = fc.oneof(
    word,
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.constantFrom('', '250', 'true', '1.4', '@secret:a/b@', 'a: b', '- x'),
  );
  const value = fc.letrec((tie) => ({
    node: fc.oneof({ depthSize: 'small' }, scalar, tie('list'), tie('map')),
    list: fc.array(tie('node'), { maxLength: 3 }),
    map: fc.dictionary(word, tie('node'), { maxKeys: 4 }),
  })).node;
  const documents = fc.dictionary(
    word.filter((key) => key !== ''),
    value,
    { minKeys: 1, maxKeys: 4 },
  );

  it('quotes the words YAML 1.1 reads as booleans', () => {
    expect(yamlText({ a: ['y', 'no', 'on', 'plain'] })).toBe('a:\n  - "y"\n  - "no"\n  - "on"\n  - plain\n');
  });

  it('reads back to the value it wrote', () => {
    fc.assert(
      fc.property(documents, (document) => {
        expect(parse(yamlText(document))).toEqual(document);
      }),
      { numRuns: 1000 },
    );
  });

  it('writes what yaml wrote for the values generators write (names, addresses, labels, numbers)', () => {
    // Except the words YAML 1.1 reads as booleans (y, no, on...), which yamlText quotes and yaml
    // did not: netplan (libyaml) and Kubernetes (Go) read YAML 1.1, so the quotes are the safer.
    const plain = fc
      .stringMatching(/^[a-z][-a-z0-9./:]{0,15}$/)
      .filter((word) => !/^(y|n|yes|no|on|off)$/i.test(word));
    const generated = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        plain,
        fc.integer(),
        fc.boolean(),
        fc.constantFrom('', '250', '@secret:kubeadm/token@'),
        tie('list'),
        tie('map'),
      ),
      list: fc.array(tie('node'), { minLength: 1, maxLength: 3 }),
      map: fc.dictionary(plain, tie('node'), { minKeys: 1, maxKeys: 4 }),
    })).node;
    fc.assert(
      fc.property(fc.dictionary(plain, generated, { minKeys: 1, maxKeys: 4 }), (document) => {
        expect(yamlText(document)).toBe(stringify(document, BEFORE));
      }),
      { numRuns: 1000 },
    );
  });
});
