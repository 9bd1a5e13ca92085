// The quick tree (js-yaml events) must say what the tree from `yaml`'s document says: the same
// strings, the same lines, for anything netplan files hold.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDocument, stringify } from 'yaml';
import { readYamlTree, type YamlTree } from './yaml-tree.ts';

/** The tree as plain data with lines instead of offsets. */
function shape(node: YamlTree | null, line: (offset: number) => number): unknown {
  if (node === null) return null;
  if (node.kind === 'scalar') return { value: node.value, line: line(node.offset) };
  if (node.kind === 'sequence')
    return { line: line(node.offset), items: node.items.map((item) => shape(item, line)) };
  return {
    line: line(node.offset),
    items: node.items.map((item) => [shape(item.key, line), shape(item.value, line)]),
  };
}

/** What `yaml` reads, in the same shape (values as String() shows them). */
function reference(text: string): unknown {
  const lines = text.split('\n');
  const starts: number[] = [];
  let offset = 0;
  for (const line of lines) {
    starts.push(offset);
    offset += line.length + 1;
  }
  const line = (at: number) => starts.filter((start) => start <= at).length;
  const convert = (node: unknown): unknown => {
    const range = (node as { range?: number[] } | null)?.range;
    const at = range ? line(range[0]!) : 0;
    if (node && typeof node === 'object' && 'items' in node) {
      const items = (node as { items: unknown[] }).items;
      const pairs =
        items.length > 0 &&
        items[0] !== null &&
        typeof items[0] === 'object' &&
        'key' in (items[0] as object);
      return pairs
        ? {
            line: at,
            items: (items as { key: unknown; value: unknown }[]).map((pair) => [
              convert(pair.key),
              convert(pair.value),
            ]),
          }
        : { line: at, items: items.map(convert) };
    }
    if (node && typeof node === 'object' && 'value' in node) {
      const value = (node as { value: unknown }).value;
      return { value: value === null ? null : String(value), line: at };
    }
    return null;
  };
  return convert(parseDocument(text).contents);
}

describe('readYamlTree', () => {
  it('reads a netplan file with every line', () => {
    const text =
      'network:\n  version: 2\n  ethernets:\n    ens160:\n      addresses:\n        - 10.1.0.10/24\n      routes:\n        - to: default\n          via: 10.1.0.1\n';
    const reading = readYamlTree(text);
    expect(reading.errors).toEqual([]);
    expect(shape(reading.root, reading.line)).toEqual(reference(text));
  });

  it('agrees with yaml on strings and lines for documents yaml writes', () => {
    const word = fc.stringMatching(/^[-a-z0-9./: ]{0,10}$/);
    const scalar = fc.oneof(word, fc.string({ maxLength: 8 }), fc.integer(), fc.boolean(), fc.constant(null));
    const value = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, scalar, tie('list'), tie('map')),
      list: fc.array(tie('node'), { minLength: 1, maxLength: 3 }),
      map: fc.dictionary(
        word.filter((key) => key.trim() !== ''),
        tie('node'),
        { minKeys: 1, maxKeys: 3 },
      ),
    })).node;
    fc.assert(
      fc.property(
        fc.dictionary(
          word.filter((key) => key.trim() !== ''),
          value,
          { minKeys: 1, maxKeys: 3 },
        ),
        (data) => {
          const text = stringify(data);
          const reading = readYamlTree(text);
          expect(shape(reading.root, reading.line)).toEqual(reference(text));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("leaves a document js-yaml refuses to yaml, with yaml's errors", () => {
    const reading = readYamlTree('network:\n  version: 2\n   bad: [\n');
    expect(reading.errors.length).toBeGreaterThan(0);
  });
});
