// The YAML stage's diagnostics, each said for the mistake a person made: a duplicate key with
// both lines, tabs as one error instead of the parser's cascade, an alias bomb at its alias,
// and an empty file or one of comments only as what is missing.
import { type Document, isScalar, type LineCounter, type Node, Scalar, visit, type YAMLError } from 'yaml';
import type { Diagnostic } from './diagnostics.ts';

/** How far aliases may expand the document (yaml's maxAliasCount): past it, an alias bomb. */
export const MAX_ALIAS_COUNT = 1000;

const SYNTAX_HINT = 'fix the YAML syntax (indentation, a missing colon or quote)';
const START = 'start from an example, e.g. environments/keio-2019/topology.yaml';

export function yamlProblems(document: Document, lineCounter: LineCounter, file: string): Diagnostic[] {
  const at = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, column: col, path: '' };
  };
  const tabs = document.errors.filter((error) => error.code === 'TAB_AS_INDENT');
  const firstTab = tabs.length > 0 ? Math.min(...tabs.map((error) => error.pos[0])) : Infinity;
  const out: Diagnostic[] = [];
  if (tabs.length > 0) {
    const lines = [...new Set(tabs.map((error) => lineCounter.linePos(error.pos[0]).line))].sort(
      (a, b) => a - b,
    );
    const [first, ...others] = lines;
    out.push({
      severity: 'error',
      code: 'yaml-syntax',
      message: `line ${first} is indented with a tab${others.length ? ` (so ${others.length === 1 ? 'is line' : 'are lines'} ${others.join(', ')})` : ''}: YAML indents with spaces only`,
      hint: 'replace each tab with spaces, as many as the lines around it use',
      ...at(firstTab),
    });
  }
  // With a tab the parser's other errors are its confusion about the indentation (even before
  // the tab: a mapping it closes early can repeat a key): drop them; they return if still true.
  for (const error of document.errors) {
    if (tabs.length > 0) break;
    out.push(
      error.code === 'DUPLICATE_KEY'
        ? duplicateKey(document, lineCounter, error, at(error.pos[0]))
        : {
            severity: 'error',
            code: 'yaml-syntax',
            message: firstLine(error.message),
            hint: SYNTAX_HINT,
            ...at(error.pos[0]),
          },
    );
  }
  for (const warning of document.warnings) {
    out.push({
      severity: 'warning',
      code: 'yaml-warning',
      message: firstLine(warning.message),
      hint: 'check the YAML at this place',
      ...at(warning.pos[0]),
    });
  }
  return out;
}

function duplicateKey(
  document: Document,
  lineCounter: LineCounter,
  error: YAMLError,
  where: Omit<Diagnostic, 'severity' | 'code' | 'message' | 'hint'>,
): Diagnostic {
  let key: string | undefined;
  let firstOffset: number | undefined;
  visit(document, {
    Map(_, map) {
      const later = map.items.find((pair) => isScalar(pair.key) && pair.key.range?.[0] === error.pos[0]);
      if (!later || !isScalar(later.key)) return;
      key = String(later.key.value);
      const earlier = map.items.find((pair) => isScalar(pair.key) && String(pair.key.value) === key);
      firstOffset = (earlier?.key as Node | undefined)?.range?.[0];
      return visit.BREAK;
    },
  });
  const firstLineNumber = firstOffset === undefined ? undefined : lineCounter.linePos(firstOffset).line;
  return {
    severity: 'error',
    code: 'yaml-duplicate-key',
    message:
      key === undefined
        ? firstLine(error.message)
        : `key "${key}" is given twice in one mapping: ${firstLineNumber === where.line ? `both on line ${where.line}` : `lines ${firstLineNumber} and ${where.line}`}`,
    hint: 'keep one of the two: YAML would silently use only the last',
    ...where,
  };
}

/** The document's value, or the diagnostic of why it has none worth checking. */
/** What an empty document lacks, and where to start: a topology's by default. */
export interface EmptyDocument {
  code: string;
  needs: string;
  start: string;
}

const EMPTY_TOPOLOGY: EmptyDocument = {
  code: 'topology-empty',
  needs: 'the topology needs name, sites and servers',
  start: START,
};

export function documentValue(
  document: Document,
  lineCounter: LineCounter,
  text: string,
  file: string,
  empty: EmptyDocument = EMPTY_TOPOLOGY,
): { ok: true; data: unknown } | { ok: false; diagnostic: Diagnostic } {
  const at = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, column: col, path: '' };
  };
  if (document.contents === null || (isScalar(document.contents) && document.contents.value === null)) {
    const comments = /^\s*#/m.test(text);
    return {
      ok: false,
      diagnostic: {
        severity: 'error',
        code: empty.code,
        message: comments
          ? `the file holds only comments: ${empty.needs}`
          : `the file is empty: ${empty.needs}`,
        hint: empty.start,
        ...at(0),
      },
    };
  }
  try {
    return { ok: true, data: document.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (!message.startsWith('Excessive alias count')) {
      return {
        ok: false,
        diagnostic: { severity: 'error', code: 'yaml-syntax', message, hint: SYNTAX_HINT, ...at(0) },
      };
    }
    const alias = explodingAlias(document);
    return {
      ok: false,
      diagnostic: {
        severity: 'error',
        code: 'yaml-alias-limit',
        message: `alias ${alias ? `*${alias.source} ` : ''}expands the document past the limit of ${MAX_ALIAS_COUNT} alias expansions (an alias bomb)`,
        hint: `the loader stops expanding aliases at ${MAX_ALIAS_COUNT} (yaml's maxAliasCount): write the repeated part out, or nest fewer aliases`,
        ...at(alias?.range?.[0] ?? 0),
      },
    };
  }
}

/**
 * The alias at which yaml gives up: the first one (in document order) such that expanding the
 * aliases up to it already passes the limit. Found by bisection over copies of the document
 * whose later aliases are blanked out, so each try stops at the limit as the real one did.
 */
function explodingAlias(
  document: Document,
): { source: string; range?: [number, number, number] | null } | undefined {
  const aliases: { source: string; range?: [number, number, number] | null }[] = [];
  visit(document, {
    Alias(_, alias) {
      aliases.push(alias);
    },
  });
  const explodes = (count: number) => {
    const copy = document.clone();
    let index = 0;
    visit(copy, {
      Alias() {
        return index++ < count ? undefined : new Scalar(null);
      },
    });
    try {
      copy.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
      return false;
    } catch {
      return true;
    }
  };
  let low = 1;
  let high = aliases.length;
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    if (explodes(middle)) high = middle;
    else low = middle + 1;
  }
  return aliases[low - 1];
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/:$/, '').trim();
}
