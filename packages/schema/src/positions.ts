// Where a YAML path sits in the source text. The loader parses with a LineCounter so that every
// diagnostic, from the schema or the semantic checks, can point at the node it is about.
import { type Document, isAlias, isMap, isScalar, isSeq, type LineCounter, type Node, type Pair } from 'yaml';

export type YamlPath = readonly (string | number)[];

export interface Position {
  /** 1-based. */
  line: number;
  column: number;
}

export interface Locator {
  /**
   * The position of the node at `path`, or of its key when `key` is set. A path that does not
   * exist in the text (a default, a missing key) falls back to the deepest node that does.
   */
  locate(path: YamlPath, options?: { key?: boolean }): Position;
}

const START: Position = { line: 1, column: 1 };

export function createLocator(document: Document, lineCounter: LineCounter): Locator {
  const at = (offset: number | undefined): Position => {
    if (offset === undefined) return START;
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };

  return {
    locate(path, options = {}) {
      let node: unknown = document.contents;
      let position = at(firstOffset(node));
      for (let index = 0; index < path.length; index++) {
        const segment = path[index];
        if (isAlias(node)) node = node.resolve(document);
        const last = index === path.length - 1;
        if (isMap(node)) {
          const pair = node.items.find(
            (item: Pair) => isScalar(item.key) && String(item.key.value) === String(segment),
          ) as Pair<Node, Node | null> | undefined;
          if (!pair) return position;
          const keyPosition = at(firstOffset(pair.key));
          if (last && options.key) return keyPosition;
          node = pair.value;
          // An empty value (`key:` and nothing) or a block collection below its key is best
          // shown by the key itself.
          position = isEmpty(node) || isBlockCollection(node) ? keyPosition : at(firstOffset(node));
        } else if (isSeq(node) && typeof segment === 'number') {
          const item = node.items[segment];
          if (item === undefined) return position;
          node = item;
          position = at(firstOffset(node));
        } else {
          return position;
        }
      }
      return position;
    },
  };
}

function firstOffset(node: unknown): number | undefined {
  if (node && typeof node === 'object' && 'range' in node) {
    const range = (node as { range?: [number, number, number] | null }).range;
    if (range) return range[0];
  }
  return undefined;
}

function isBlockCollection(node: unknown): boolean {
  return (isMap(node) || isSeq(node)) && !node.flow;
}

function isEmpty(node: unknown): boolean {
  return node === null || node === undefined || (isScalar(node) && node.value === null && !node.source);
}
