// Every user mistake becomes a Diagnostic: one form for YAML, schema and semantic errors.

export type Severity = 'error' | 'warning';

export interface Diagnostic {
  severity: Severity;
  /** Stable, kebab-case code, e.g. `duplicate-address`. A change to a code is a reviewed diff. */
  code: string;
  message: string;
  /** What to do about it. */
  hint: string;
  file: string;
  /** 1-based line and column of the offending node; 1:1 when no node applies. */
  line: number;
  column: number;
  /** The YAML path of the offending node, e.g. `servers[2].address`. */
  path: string;
}

export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return (
    a.file.localeCompare(b.file) ||
    a.line - b.line ||
    a.column - b.column ||
    a.code.localeCompare(b.code) ||
    a.message.localeCompare(b.message)
  );
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** `file:line:col: error CODE: message` followed by an indented hint line. */
export function formatDiagnostic(d: Diagnostic): string {
  const head = `${d.file}:${d.line}:${d.column}: ${d.severity} ${d.code}: ${d.message}`;
  return d.hint ? `${head}\n  hint: ${d.hint}` : head;
}

/** Renders a path array as `servers[2].address`. */
export function formatPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${part}` : part;
  }
  return out;
}
