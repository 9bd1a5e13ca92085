// Load a topology: YAML with positions, then the JSON Schema (ajv), then the semantic checks.
// Every problem of every stage that ran comes back at once, as Diagnostics, sorted by position.
// A later stage runs only when the earlier ones found no errors: a semantic check on a
// document the schema rejected would only add noise.
import { readFile } from 'node:fs/promises';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { LineCounter, parseDocument } from 'yaml';
import type { Finding } from './checks/finding.ts';
import { semanticChecks } from './checks/index.ts';
import { wanDesignFindings } from './checks/wan.ts';
import { compareDiagnostics, type Diagnostic, formatPath, hasErrors } from './diagnostics.ts';
import { createLocator, type Locator } from './positions.ts';
import { resolve } from './resolve.ts';
import { schemaFindings } from './schema-errors.ts';
import { type Topology, topologyJsonSchema } from './topology.ts';

export interface LoadResult {
  /** The topology with schema defaults applied; null when there is any error. */
  topology: Topology | null;
  diagnostics: Diagnostic[];
}

let validator: ValidateFunction | undefined;

function validate(): ValidateFunction {
  // strict: false because TypeBox unions carry defaults inside anyOf branches, which ajv's
  // strict mode rejects (it cannot apply them there; resolve applies every default anyway).
  if (!validator) {
    const ajv = new Ajv2020({ allErrors: true, useDefaults: true, verbose: true, strict: false });
    validator = ajv.compile(topologyJsonSchema());
  }
  return validator;
}

export function loadTopology(text: string, file: string): LoadResult {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const position = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const yamlProblems: Diagnostic[] = [
    ...document.errors.map((e) => ({ e, severity: 'error' as const })),
    ...document.warnings.map((e) => ({ e, severity: 'warning' as const })),
  ].map(({ e, severity }) => ({
    severity,
    code:
      e.code === 'DUPLICATE_KEY'
        ? 'yaml-duplicate-key'
        : severity === 'error'
          ? 'yaml-syntax'
          : 'yaml-warning',
    message: firstLine(e.message),
    hint:
      e.code === 'DUPLICATE_KEY'
        ? 'remove one of the two keys: YAML would silently keep only one'
        : 'fix the YAML syntax (indentation, a missing colon or quote, a tab)',
    file,
    ...position(e.pos[0]),
    path: '',
  }));
  if (hasErrors(yamlProblems)) return { topology: null, diagnostics: yamlProblems.sort(compareDiagnostics) };

  let data: unknown;
  try {
    data = document.toJS({ maxAliasCount: 1000 });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      topology: null,
      diagnostics: [
        {
          severity: 'error',
          code: 'yaml-syntax',
          message,
          hint: 'fix the YAML',
          file,
          line: 1,
          column: 1,
          path: '',
        },
      ],
    };
  }

  const locator = createLocator(document, lineCounter);
  const toDiagnostic = (finding: Finding) => diagnostic(finding, file, locator);
  // The semantic checks tell a value the user wrote from a default: keep a copy before ajv fills defaults.
  const written = structuredClone(data) as Topology;
  const check = validate();
  const diagnostics = [...yamlProblems];
  if (!check(data)) {
    diagnostics.push(...schemaFindings(check.errors ?? [], data).map(toDiagnostic));
    return { topology: null, diagnostics: diagnostics.sort(compareDiagnostics) };
  }

  const topology = data as Topology;
  const where = (path: readonly (string | number)[]) => `line ${locator.locate(path).line}`;
  diagnostics.push(...semanticChecks({ topology, written, where }).map(toDiagnostic));
  // The WAN against the design needs the resolved paths, so only a topology without errors gets it.
  if (topology.wan && !hasErrors(diagnostics))
    diagnostics.push(...wanDesignFindings(resolve(topology)).map(toDiagnostic));
  diagnostics.sort(compareDiagnostics);
  return { topology: hasErrors(diagnostics) ? null : topology, diagnostics };
}

/** Reads and loads a file; the file name in diagnostics is the path as given. */
export async function loadTopologyFile(path: string): Promise<LoadResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String((error as Error).message);
    return {
      topology: null,
      diagnostics: [
        {
          severity: 'error',
          code: 'file-unreadable',
          message: `cannot read the topology: ${reason}`,
          hint: 'check the path',
          file: path,
          line: 1,
          column: 1,
          path: '',
        },
      ],
    };
  }
  return loadTopology(text, path);
}

function diagnostic(finding: Finding, file: string, locator: Locator): Diagnostic {
  const { line, column } = locator.locate(finding.path, { key: finding.key === true });
  return {
    severity: finding.severity,
    code: finding.code,
    message: finding.message,
    hint: finding.hint,
    file,
    line,
    column,
    path: formatPath(finding.path),
  };
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/:$/, '').trim();
}
