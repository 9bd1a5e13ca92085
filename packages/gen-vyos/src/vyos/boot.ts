// config.boot from the same commands as the `set` script: the curly-brace tree VyOS saves and
// loads at boot, ending in the version footer of the release line (without it VyOS runs every
// migration script on load). Children are sorted by name and tag values in natural order, as
// VyOS writes them.
import type { SetCommand } from './command.ts';
import { type VyosLine, versionFooter } from './versions.ts';

interface TreeNode {
  /** Plain nodes and leaves by name, in one map: VyOS never uses one name for both. */
  children: Map<string, TreeNode | TagNode | Leaf>;
}
interface TagNode {
  values: Map<string, TreeNode>;
}
interface Leaf {
  /** Values in the order given; empty for a valueless leaf. */
  values: string[];
}

function emptyNode(): TreeNode {
  return { children: new Map() };
}

function isTag(entry: TreeNode | TagNode | Leaf): entry is TagNode {
  return 'values' in entry && entry.values instanceof Map;
}
function isLeaf(entry: TreeNode | TagNode | Leaf): entry is Leaf {
  return 'values' in entry && Array.isArray(entry.values);
}

function child<T extends TreeNode | TagNode | Leaf>(node: TreeNode, name: string, make: () => T): T {
  const existing = node.children.get(name);
  if (existing !== undefined) return existing as T;
  const created = make();
  node.children.set(name, created);
  return created;
}

function build(commands: readonly SetCommand[]): TreeNode {
  const root = emptyNode();
  for (const command of commands) {
    let node = root;
    for (const step of command.path) {
      if (typeof step === 'string') {
        node = child(node, step, emptyNode);
      } else {
        const tagNode = child<TagNode>(node, step.tag, () => ({ values: new Map() }));
        let next = tagNode.values.get(step.value);
        if (next === undefined) {
          next = emptyNode();
          tagNode.values.set(step.value, next);
        }
        node = next;
      }
    }
    if (command.leaf !== null) {
      const leaf = child<Leaf>(node, command.leaf, () => ({ values: [] }));
      if (command.value !== null && !leaf.values.includes(command.value)) leaf.values.push(command.value);
    }
  }
  return root;
}

/** Numbers compare as numbers (rule 10 before rule 100), everything else by code point. */
export function naturalCompare(a: string, b: string): number {
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) return Number(a) - Number(b) || (a < b ? -1 : a > b ? 1 : 0);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A word in config.boot: bare when it reads back as one word, else double-quoted. */
export function bootQuote(word: string): string {
  if (word !== '' && !/[\s"'\\{};#]/.test(word)) return word;
  return `"${word.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}

function render(node: TreeNode, depth: number, out: string[]): void {
  const pad = '    '.repeat(depth);
  for (const name of [...node.children.keys()].sort(naturalCompare)) {
    const entry = node.children.get(name)!;
    if (isLeaf(entry)) {
      if (entry.values.length === 0) out.push(`${pad}${name}`);
      for (const value of entry.values) out.push(`${pad}${name} ${bootQuote(value)}`);
    } else if (isTag(entry)) {
      for (const value of [...entry.values.keys()].sort(naturalCompare)) {
        out.push(`${pad}${name} ${bootQuote(value)} {`);
        render(entry.values.get(value)!, depth + 1, out);
        out.push(`${pad}}`);
      }
    } else {
      out.push(`${pad}${name} {`);
      render(entry, depth + 1, out);
      out.push(`${pad}}`);
    }
  }
}

/** The config.boot text: a header comment, the tree, the footer; LF line ends, final newline. */
export function configBoot(commands: readonly SetCommand[], line: VyosLine, header: string[]): string {
  const out: string[] = header.map((text) => `/* ${text.replaceAll('*/', '* /')} */`);
  render(build(commands), 0, out);
  out.push(...versionFooter(line));
  return `${out.join('\n')}\n`;
}
