// Load a topology: YAML with positions, then the JSON Schema (ajv), then the semantic checks.
// Every problem of every stage that ran comes back at once, as Diagnostics, sorted by position.
// A later stage runs only when the earlier ones found no errors: a semantic check on a
// document the schema rejected would only add noise.
//
// Two YAML parsers, one answer: `yaml` keeps every node's position, which diagnostics need, but
// reads a 1 MB topology (1,000 sites) in about a second; js-yaml reads it in a tenth of that
// without positions. A document is read by js-yaml first; only one that has something to report
// (any error or warning), that js-yaml refuses, or that uses a feature where two parsers could
// read different values (anchors, aliases, tags, directives, tabs) is read again by `yaml`, and
// everything said about it comes from that reading. load.test.ts checks that both readings agree.
import { readFile } from 'node:fs/promises';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { load as quickYaml } from 'js-yaml';
import { LineCounter, parseDocument } from 'yaml';
import { decodeUtf8 } from './bytes.ts';
import type { CheckContext, Finding } from './checks/finding.ts';
import { semanticChecks } from './checks/index.ts';
import { wanDesignFindings } from './checks/wan.ts';
import { compareDiagnostics, type Diagnostic, formatPath, hasErrors } from './diagnostics.ts';
import { createLocator, type Locator, type Position } from './positions.ts';
import { resolve } from './resolve.ts';
import { schemaFindings } from './schema-errors.ts';
import { type Topology, topologyJsonSchema } from './topology.ts';
import { documentValue, yamlProblems } from './yaml-problems.ts';

export interface LoadResult {
  /** The topology with schema defaults applied; null when there is any error. */
  topology: Topology | null;
  diagnostics: Diagnostic[];
}

let validator: ValidateFunction | undefined;

function validate(): ValidateFunction {
  // strict: false because TypeBox unions carry defaults inside anyOf branches, which ajv's
  // strict mode rejects (it cannot apply them there; resolve applies every default anyway).
  // validateSchema: false skips checking our own schema against the meta-schema on every run
  // (a third of the start-up cost); schema-file.test.ts checks it once.
  if (!validator) {
    const ajv = new Ajv2020({
      allErrors: true,
      useDefaults: true,
      verbose: true,
      strict: false,
      validateSchema: false,
    });
    validator = ajv.compile(topologyJsonSchema());
  }
  return validator;
}

/**
 * Loads a topology from its text, or from its bytes (which must be UTF-8: a file read as bytes
 * is refused at its first bad byte). Text holding U+FFFD is refused too: it is what a reader
 * decoding as UTF-8 puts where the bytes were not, so the file was not UTF-8 there.
 */
export function loadTopology(input: string | Uint8Array, file: string): LoadResult {
  let text: string;
  if (typeof input === 'string') {
    text = input;
    const replaced = text.indexOf('\uFFFD');
    if (replaced >= 0) return { topology: null, diagnostics: [replacementCharacter(text, replaced, file)] };
  } else {
    const decoded = decodeUtf8(input);
    if (!decoded.ok) {
      const utf16 = (input[0] === 0xff && input[1] === 0xfe) || (input[0] === 0xfe && input[1] === 0xff);
      return { topology: null, diagnostics: [notUtf8(decoded.byte, decoded.position, file, utf16)] };
    }
    text = decoded.text;
  }
  return quickLoad(text) ?? fullLoad(text, file);
}

/** Characters of the YAML features the quick reading leaves to the full one. */
const LEFT_TO_THE_FULL_READING = /[&*!\t\r]|^%/m;

/**
 * The topology read by js-yaml, when it has nothing to report: every stage ran and found
 * nothing, not even a warning. Null means "read it fully" (see the top of this file).
 */
export function quickLoad(text: string): LoadResult | null {
  if (LEFT_TO_THE_FULL_READING.test(text)) return null;
  let data: unknown;
  try {
    data = quickYaml(text);
  } catch {
    return null;
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return null;
  let located = false;
  const checked = checkStages(data, () => {
    located = true;
    return 'line ?';
  });
  if (checked.topology === null || checked.findings.length > 0 || located) return null;
  return { topology: checked.topology, diagnostics: [] };
}

/**
 * The JSON Schema (ajv fills its defaults into `data`), then, when it passes, the semantic
 * checks and, for a topology without errors, the WAN against the design: what both readings run.
 */
function checkStages(
  data: unknown,
  where: CheckContext['where'],
): { topology: null; schemaErrors: ErrorObject[] } | { topology: Topology; findings: Finding[] } {
  // The semantic checks tell a value the user wrote from a default: keep a copy before ajv fills defaults.
  const written = structuredClone(data) as Topology;
  const check = validate();
  if (!check(data)) return { topology: null, schemaErrors: check.errors ?? [] };
  const topology = data as Topology;
  const findings = semanticChecks({ topology, written, where });
  // The WAN against the design needs the resolved paths, so only a topology without errors gets it.
  if (topology.wan && !findings.some((finding) => finding.severity === 'error'))
    findings.push(...wanDesignFindings(resolve(topology)));
  return { topology, findings };
}

/** The full reading: YAML with positions, every problem located in the file. */
export function fullLoad(text: string, file: string): LoadResult {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const yamlDiagnostics = yamlProblems(document, lineCounter, file);
  if (hasErrors(yamlDiagnostics))
    return { topology: null, diagnostics: yamlDiagnostics.sort(compareDiagnostics) };

  const value = documentValue(document, lineCounter, text, file);
  if (!value.ok)
    return { topology: null, diagnostics: [...yamlDiagnostics, value.diagnostic].sort(compareDiagnostics) };

  const locator = createLocator(document, lineCounter);
  const toDiagnostic = (finding: Finding) => findingDiagnostic(finding, file, locator);
  const checked = checkStages(value.data, (path) => `line ${locator.locate(path).line}`);
  const diagnostics = [...yamlDiagnostics];
  if (checked.topology === null) {
    diagnostics.push(...schemaFindings(checked.schemaErrors, value.data).map(toDiagnostic));
    return { topology: null, diagnostics: diagnostics.sort(compareDiagnostics) };
  }
  diagnostics.push(...checked.findings.map(toDiagnostic));
  diagnostics.sort(compareDiagnostics);
  return { topology: hasErrors(diagnostics) ? null : checked.topology, diagnostics };
}

/** Reads and loads a file; the file name in diagnostics is the path as given. */
export async function loadTopologyFile(path: string): Promise<LoadResult> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
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
  return loadTopology(bytes, path);
}

function notUtf8(byte: number, position: Position, file: string, utf16: boolean): Diagnostic {
  const hex = byte.toString(16).toUpperCase().padStart(2, '0');
  return {
    severity: 'error',
    code: 'file-not-utf8',
    message: `the file is not UTF-8: byte 0x${hex} at line ${position.line}, column ${position.column} starts no valid character`,
    hint: utf16
      ? 'save the file as UTF-8: it is UTF-16 (iconv -f utf-16 -t utf-8)'
      : byte >= 0xa0
        ? 'save the file as UTF-8 (it looks like Latin-1: iconv -f latin1 -t utf-8)'
        : 'save the file as UTF-8',
    file,
    ...position,
    path: '',
  };
}

function replacementCharacter(text: string, offset: number, file: string): Diagnostic {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const line = text.slice(0, lineStart).split('\n').length;
  const column = [...text.slice(lineStart, offset)].length + 1;
  return {
    severity: 'error',
    code: 'file-not-utf8',
    message: `the file is not UTF-8: line ${line}, column ${column} holds bytes that are not (they were read as U+FFFD)`,
    hint: 'save the file as UTF-8 (from Latin-1: iconv -f latin1 -t utf-8); to mean U+FFFD itself, write "\\uFFFD" in double quotes',
    file,
    line,
    column,
    path: '',
  };
}

/** A check's finding as a diagnostic at its place in the file (topologies and scenarios alike). */
export function findingDiagnostic(finding: Finding, file: string, locator: Locator): Diagnostic {
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
