// What a semantic check returns: a problem at a YAML path. The loader turns findings into
// Diagnostics (file, line, column); checks stay pure functions of the topology.
import type { Severity } from '../diagnostics.ts';
import type { YamlPath } from '../positions.ts';
import type { Topology } from '../topology.ts';

export interface Finding {
  severity: Severity;
  code: string;
  path: YamlPath;
  message: string;
  hint: string;
  /** Point at the key of the node rather than its value. */
  key?: boolean;
}

export interface CheckContext {
  /** The topology after schema defaults were applied. */
  topology: Topology;
  /** The topology as written, before defaults: tells a chosen value from a default one. */
  written: Topology;
  /** A short human reference to another node, e.g. `line 12`, for messages that name two places. */
  where(path: YamlPath): string;
}

export type Check = (context: CheckContext) => Finding[];

export function error(code: string, path: YamlPath, message: string, hint: string): Finding {
  return { severity: 'error', code, path, message, hint };
}

export function warning(code: string, path: YamlPath, message: string, hint: string): Finding {
  return { severity: 'warning', code, path, message, hint };
}

/** Items that repeat an earlier item's key, each with the index of that first item. */
export function repeats<T>(
  items: readonly T[],
  keyOf: (item: T) => string | undefined,
): { index: number; first: number }[] {
  const seen = new Map<string, number>();
  const out: { index: number; first: number }[] = [];
  items.forEach((item, index) => {
    const key = keyOf(item);
    if (key === undefined) return;
    const first = seen.get(key);
    if (first === undefined) seen.set(key, index);
    else out.push({ index, first });
  });
  return out;
}
