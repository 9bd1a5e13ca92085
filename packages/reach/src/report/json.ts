// reachability.json, version 2: the report written compactly and in pieces, and read back
// exactly. Version 1 wrote every matrix cell as a pretty-printed object: 627 MB for 1,000 sites.
// Version 2 writes each distinct outcome once, as a row of the `outcomes` table, with its path
// as indices into `hosts` and its tunnels as indices into `tunnels`; a matrix row is then a
// list of outcome numbers. Outcomes are told apart by identity: reach shares one object between
// every pair whose packets meet the same fate the same way (a drop at one router, for one reason).
// Nothing is ever one string of the whole: a document of 1,000 sites is tens of megabytes.
import type { Warning } from '../device.ts';
import {
  DenseMatrix,
  type Matrix,
  type Outcome,
  REPORT_FORMAT,
  REPORT_VERSION,
  type ReachReport,
  type Reason,
} from './report.ts';

/** The fields of a row of `outcomes`, in order (written into the document too, for readers). */
export const OUTCOME_FIELDS = [
  'reachable',
  'reason',
  'at',
  'detail',
  'path',
  'tunnels',
  'routers',
  'ttl',
  'returnPath',
] as const;

type OutcomeRow = [
  boolean,
  Reason | null,
  string | null,
  string | null,
  number[],
  number[],
  number,
  number | null,
  number[]?,
];

/** Pieces are joined up to this many characters before they are handed on. */
const PIECE = 1 << 16;

/**
 * Calls `write` with consecutive pieces of the report's document (no final newline): the small
 * parts as indented JSON, the outcome table and the matrices one row per line.
 */
export function writeReportJson(report: ReachReport, write: (piece: string) => void): void {
  let buffer = '';
  const emit = (text: string) => {
    buffer += text;
    if (buffer.length >= PIECE) {
      write(buffer);
      buffer = '';
    }
  };
  const hosts = numbering<string>();
  const host = hosts.number;
  const tunnelIndex = new Map(report.tunnels.map((tunnel, index) => [tunnel.name, index] as const));
  const tunnel = (name: string) => {
    const index = tunnelIndex.get(name);
    if (index === undefined)
      throw new Error(`an outcome crosses tunnel ${name}, which the report does not list`);
    return index;
  };
  // Numbered in the order the matrices first meet them, and encoded once, as the table after
  // the matrices is written.
  const outcomes = numbering<Outcome>();
  const encode = (outcome: Outcome): string => {
    const row: OutcomeRow = [
      outcome.reachable,
      outcome.reason,
      outcome.at,
      outcome.detail,
      outcome.path.map(host),
      outcome.tunnels.map(tunnel),
      outcome.routers,
      outcome.ttl,
    ];
    if (outcome.returnPath !== undefined) row.push(outcome.returnPath.map(host));
    return JSON.stringify(row);
  };

  const field = (key: string, value: unknown) => emit(`  ${JSON.stringify(key)}: ${indented(value)},\n`);
  const lines = (key: string, count: number, line: (index: number) => string, last = false) => {
    emit(`  ${JSON.stringify(key)}: [`);
    for (let index = 0; index < count; index++) emit(`${index === 0 ? '\n' : ',\n'}    ${line(index)}`);
    emit(`${count > 0 ? '\n  ' : ''}]${last ? '\n' : ',\n'}`);
  };
  const matrix = (key: string, cells: Matrix) =>
    lines(key, cells.size, (row) => {
      const numbers = new Array<number>(cells.size);
      for (let column = 0; column < cells.size; column++)
        numbers[column] = outcomes.number(cells.cell(row, column)!);
      return `[${numbers.join(',')}]`;
    });
  emit('{\n');
  field('format', report.format);
  field('version', report.version);
  field('routers', report.routers);
  field('tunnels', report.tunnels);
  field('groups', report.groups);
  field('servers', report.servers);
  field('warnings', report.warnings);
  matrix('before', report.before);
  matrix('after', report.after);
  field('outcomeFields', OUTCOME_FIELDS);
  // Written before the host list: encoding an outcome names its hosts.
  lines('outcomes', outcomes.values.length, (index) => encode(outcomes.values[index]!));
  lines(
    'hosts',
    hosts.values.length > 0 ? 1 : 0,
    () => hosts.values.map((name) => JSON.stringify(name)).join(', '),
    true,
  );
  emit('}');
  if (buffer) write(buffer);
}

/** Numbers values in the order they are first met (by identity for objects): 0, 1, 2, ... */
function numbering<T>(): { number: (value: T) => number; values: T[] } {
  const values: T[] = [];
  const numbers = new Map<T, number>();
  return {
    number(value) {
      let known = numbers.get(value);
      if (known === undefined) {
        known = values.length;
        values.push(value);
        numbers.set(value, known);
      }
      return known;
    },
    values,
  };
}

/** JSON.stringify(value, null, 2), indented to sit one level inside the document. */
function indented(value: unknown): string {
  return (JSON.stringify(value, null, 2) ?? 'null').replaceAll('\n', '\n  ');
}

/** The whole document as one string, for reports small enough to have one. */
export function reportJson(report: ReachReport): string {
  const pieces: string[] = [];
  writeReportJson(report, (piece) => pieces.push(piece));
  return pieces.join('');
}

/** What a document that is not a reachability.json version 2 is. */
export class ReportFormatError extends Error {
  override name = 'ReportFormatError';
}

interface Document {
  format: unknown;
  version: unknown;
  routers: ReachReport['routers'];
  tunnels: ReachReport['tunnels'];
  groups: ReachReport['groups'];
  servers: ReachReport['servers'];
  warnings: Warning[];
  hosts: string[];
  outcomes: OutcomeRow[];
  before: number[][];
  after: number[][];
}

/** The report of a parsed reachability.json (version 2), exactly as it was written. */
export function readReportJson(value: unknown): ReachReport {
  const document = value as Document;
  if (document === null || typeof document !== 'object' || document.format !== REPORT_FORMAT)
    throw new ReportFormatError(`not a reachability document (format is not "${REPORT_FORMAT}")`);
  if (document.version !== REPORT_VERSION)
    throw new ReportFormatError(
      `reachability document version ${String(document.version)}; this geostage reads version ${REPORT_VERSION}`,
    );
  const hostName = (index: number) => {
    const name = document.hosts[index];
    if (name === undefined)
      throw new ReportFormatError(`an outcome names host ${index}, beyond the host list`);
    return name;
  };
  const tunnelName = (index: number) => {
    const tunnel = document.tunnels[index];
    if (!tunnel) throw new ReportFormatError(`an outcome names tunnel ${index}, beyond the tunnel list`);
    return tunnel.name;
  };
  const outcomes = document.outcomes.map((row): Outcome => {
    const [reachable, reason, at, detail, path, tunnels, routers, ttl, returnPath] = row;
    const outcome: Outcome = {
      reachable,
      reason,
      at,
      detail,
      path: path.map(hostName),
      tunnels: tunnels.map(tunnelName),
      routers,
      ttl,
    };
    if (returnPath !== undefined) outcome.returnPath = returnPath.map(hostName);
    return outcome;
  });
  const matrix = (rows: number[][]): Matrix =>
    new DenseMatrix(
      rows.map((row) =>
        row.map((index) => {
          const outcome = outcomes[index];
          if (!outcome) throw new ReportFormatError(`a matrix cell names outcome ${index}, beyond the table`);
          return outcome;
        }),
      ),
    );
  return {
    format: REPORT_FORMAT,
    version: REPORT_VERSION,
    routers: document.routers,
    tunnels: document.tunnels,
    groups: document.groups,
    servers: document.servers,
    before: matrix(document.before),
    after: matrix(document.after),
    warnings: document.warnings,
  };
}
