// A YAML document as a small tree of strings with their source offsets: what the netplan reader
// walks. js-yaml's event parser builds it about ten times faster than `yaml` builds a document,
// which counts for the 10,000 netplan files of a 1,000-site environment. A document js-yaml
// refuses, or one with anchors, aliases, tags or several documents, is read by `yaml` instead
// and converted, so that its errors are `yaml`'s own, as before.
import { EVENT_ID, type Event, getScalarValue, parseEvents, SCALAR_STYLE } from 'js-yaml';
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';

export interface YamlScalar {
  kind: 'scalar';
  /** The scalar as written (quotes and escapes resolved); null for an empty or null plain scalar. */
  value: string | null;
  offset: number;
}

export interface YamlMapping {
  kind: 'mapping';
  items: { key: YamlTree | null; value: YamlTree | null }[];
  offset: number;
}

export interface YamlSequence {
  kind: 'sequence';
  items: (YamlTree | null)[];
  offset: number;
}

export type YamlTree = YamlScalar | YamlMapping | YamlSequence;

export interface YamlReading {
  root: YamlTree | null;
  /** The parser's errors (from `yaml`, whose messages say what is wrong). */
  errors: string[];
  /** The 1-based line of a source offset. */
  line(offset: number): number;
}

/** The value of a mapping's key, or undefined when it has none. */
export function entryOf(mapping: YamlMapping, key: string): YamlTree | null | undefined {
  for (const item of mapping.items)
    if (item.key?.kind === 'scalar' && item.key.value === key) return item.value;
  return undefined;
}

/** A node as text, the way String() shows a parsed value: a collection has none worth showing. */
export function textOf(node: YamlTree | null | undefined): string {
  if (node === undefined) return 'undefined';
  if (node === null) return 'null';
  return node.kind === 'scalar' ? String(node.value) : `[${node.kind}]`;
}

const NULLS = new Set(['', '~', 'null', 'Null', 'NULL']);

export function readYamlTree(text: string): YamlReading {
  // yaml's own line counter, told where each line starts (its parser does the same).
  const lines = new LineCounter();
  lines.addNewLine(0);
  for (let index = text.indexOf('\n'); index >= 0; index = text.indexOf('\n', index + 1))
    lines.addNewLine(index + 1);
  const line = (offset: number) => lines.linePos(offset).line;
  const quick = quickTree(text);
  if (quick !== undefined) return { root: quick, errors: [], line };
  const document = parseDocument(text);
  return {
    root: fromDocumentNode(document.contents),
    errors: document.errors.map((error) => error.message),
    line,
  };
}

/** The tree from js-yaml's events, or undefined when the document is left to `yaml`. */
function quickTree(text: string): YamlTree | null | undefined {
  let events: Event[];
  try {
    events = parseEvents(text, {});
  } catch {
    return undefined;
  }
  let position = 0;
  let documents = 0;
  const node = (): YamlTree | null | undefined => {
    const event = events[position++];
    if (!event) return undefined;
    if (event.type === EVENT_ID.SCALAR) {
      if (event.anchorStart !== -1 || event.tagStart !== -1) return undefined;
      const value = getScalarValue(text, event);
      return {
        kind: 'scalar',
        value: event.style === SCALAR_STYLE.PLAIN && NULLS.has(value) ? null : value,
        offset: event.valueStart,
      };
    }
    if (event.type === EVENT_ID.MAPPING || event.type === EVENT_ID.SEQUENCE) {
      if (event.anchorStart !== -1 || event.tagStart !== -1) return undefined;
      const mapping = event.type === EVENT_ID.MAPPING;
      const items: YamlMapping['items'] & YamlSequence['items'] = [];
      const pairs: YamlMapping['items'] = [];
      while (events[position] && events[position]!.type !== EVENT_ID.POP) {
        const first = node();
        if (first === undefined) return undefined;
        if (!mapping) {
          items.push(first);
          continue;
        }
        const second = node();
        if (second === undefined) return undefined;
        pairs.push({ key: first, value: second });
      }
      if (!events[position]) return undefined;
      position++; // the POP
      return mapping
        ? { kind: 'mapping', items: pairs, offset: event.start }
        : { kind: 'sequence', items, offset: event.start };
    }
    return undefined; // an alias, or a document inside a node
  };
  let root: YamlTree | null = null;
  while (position < events.length) {
    const event = events[position]!;
    if (event.type === EVENT_ID.DOCUMENT) {
      documents++;
      if (documents > 1) return undefined;
      position++;
      if (events[position] && events[position]!.type !== EVENT_ID.POP) {
        const read = node();
        if (read === undefined) return undefined;
        root = read;
      }
      continue;
    }
    if (event.type === EVENT_ID.POP) {
      position++;
      continue;
    }
    return undefined;
  }
  return root;
}

function fromDocumentNode(value: unknown): YamlTree | null {
  const offset = (value as { range?: [number, number, number] } | null)?.range?.[0] ?? 0;
  if (isMap(value))
    return {
      kind: 'mapping',
      items: value.items.map((pair) => ({
        key: fromDocumentNode(pair.key),
        value: fromDocumentNode(pair.value),
      })),
      offset,
    };
  if (isSeq(value)) return { kind: 'sequence', items: value.items.map(fromDocumentNode), offset };
  if (isScalar(value))
    return { kind: 'scalar', value: value.value === null ? null : String(value.value), offset };
  if (isAlias(value)) return { kind: 'scalar', value: `*${value.source}`, offset };
  return null;
}
