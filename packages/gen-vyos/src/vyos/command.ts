// A VyOS configuration command as data: the path through the CLI tree, with each step's kind
// known (plain node, tag node with its value, leaf with or without a value). The `set` script
// and config.boot are both rendered from this one list, so they cannot disagree; the kinds
// are what config.boot needs (a tag node opens `name value {`, a leaf is `name value`).
import { quote } from './quoting.ts';

/** A tag node and its value, e.g. `ethernet eth0` or `rule 10`. */
export interface Tag {
  tag: string;
  value: string;
}

/** A step of a path: a plain node (`interfaces`) or a tag node with its value. */
export type Step = string | Tag;

export interface SetCommand {
  path: readonly Step[];
  /** The leaf at the end of the path; null when the command only creates a node (`local-address X`). */
  leaf: string | null;
  /** The leaf's value; null for a valueless leaf (`persistent-tunnel`, `exclude`). */
  value: string | null;
}

/** A group of commands under a comment that says what they are for. */
export interface Section {
  /** Comment lines (without `#`): the first is the title, the rest say why. */
  comment: string[];
  commands: SetCommand[];
}

export function tag(name: string, value: string | number): Tag {
  return { tag: name, value: String(value) };
}

/** `set <path> <leaf> [value]`; without a leaf, a command that creates the node at the path. */
export function set(
  path: readonly Step[],
  leaf: string | null = null,
  value: string | number | null = null,
): SetCommand {
  return { path, leaf, value: value === null ? null : String(value) };
}

/** The words of a command after `set`, unquoted. */
export function words(command: SetCommand): string[] {
  const out: string[] = [];
  for (const step of command.path) {
    if (typeof step === 'string') out.push(step);
    else out.push(step.tag, step.value);
  }
  if (command.leaf !== null) out.push(command.leaf);
  if (command.value !== null) out.push(command.value);
  return out;
}

/** One `set` line, every word through the one quoting rule. */
export function setLine(command: SetCommand): string {
  return `set ${words(command).map(quote).join(' ')}`;
}
