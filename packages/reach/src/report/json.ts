// reachability.json, version 3: the report written compactly and in pieces, and read back
// exactly. Version 1 wrote every matrix cell as a pretty-printed object: 627 MB for 1,000 sites.
// Version 2 wrote each distinct outcome once, but between spokes every cell is an outcome of
// its own (its own routers on the path): 10^8 of them at 10,000 sites. Version 3 writes what
// the cells are made of (report/runs.ts): per view and per host, its runs over the destination
// positions as [host, start, step, start, step, ...] on one line, with the steps numbered in
// `steps`. A reader follows the runs from a group's sender there and back to get any cell, as
// reach does. Nothing is ever one string of the whole.
import type { Warning } from '../device.ts';
import { REPORT_FORMAT, REPORT_VERSION, type ReachReport, type Reason } from './report.ts';
import { type RouteRuns, type RunHost, RunMatrix, type Step } from './runs.ts';

/** The fields of a row of `steps`, by kind (written into the document too, for readers). */
export const STEP_FIELDS = {
  delivered: ['kind'],
  forward: [
    'kind',
    'next host',
    'tunnel (index into tunnels, or null)',
    'underlay (1 when the internet carries it)',
  ],
  fail: ['kind', 'reason', 'at', 'detail'],
} as const;

type StepRow =
  | ['delivered']
  | ['forward', number, number | null, 0 | 1]
  | ['fail', Exclude<Reason, 'no-return-path'>, string, string];

/** Pieces are joined up to this many characters before they are handed on. */
const PIECE = 1 << 16;

// One piece (over 80 lines): the document's parts in order, sharing the step numbering and the buffer.
/**
 * Calls `write` with consecutive pieces of the report's document (no final newline): the small
 * parts as indented JSON, the steps and each host's runs one per line.
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
  const tunnelIndex = new Map(report.tunnels.map((tunnel, index) => [tunnel.name, index] as const));
  const tunnel = (name: string) => {
    const index = tunnelIndex.get(name);
    if (index === undefined) throw new Error(`a step crosses tunnel ${name}, which the report does not list`);
    return index;
  };
  // Steps are numbered by what they say, in the order the runs first meet them.
  const stepRows: string[] = [];
  const stepNumbers = new Map<Step, number>();
  const byText = new Map<string, number>();
  const stepNumber = (step: Step): number => {
    let known = stepNumbers.get(step);
    if (known !== undefined) return known;
    const row: StepRow =
      step.kind === 'delivered'
        ? ['delivered']
        : step.kind === 'forward'
          ? ['forward', step.next, step.tunnel === null ? null : tunnel(step.tunnel), step.underlay ? 1 : 0]
          : ['fail', step.reason, step.at, step.detail];
    const text = JSON.stringify(row);
    known = byText.get(text);
    if (known === undefined) {
      known = stepRows.length;
      stepRows.push(text);
      byText.set(text, known);
    }
    stepNumbers.set(step, known);
    return known;
  };

  const field = (key: string, value: unknown, last = false) =>
    emit(`  ${JSON.stringify(key)}: ${indented(value)}${last ? '\n' : ',\n'}`);
  const lines = (
    key: string,
    count: number,
    line: (index: number) => string,
    indent = '  ',
    last = false,
  ) => {
    emit(`${indent}${JSON.stringify(key)}: [`);
    for (let index = 0; index < count; index++)
      emit(`${index === 0 ? '\n' : ',\n'}${indent}  ${line(index)}`);
    emit(`${count > 0 ? `\n${indent}` : ''}]${last ? '\n' : ',\n'}`);
  };
  const runLines = (key: string, all: readonly (RouteRuns | undefined)[], last: boolean) => {
    const hosts: number[] = [];
    all.forEach((runs, host) => {
      if (runs) hosts.push(host);
    });
    lines(
      key,
      hosts.length,
      (index) => {
        const runs = all[hosts[index]!]!;
        const numbers = new Array<number>(1 + 2 * runs.steps.length);
        numbers[0] = hosts[index]!;
        runs.steps.forEach((step, run) => {
          numbers[1 + 2 * run] = runs.starts[run]!;
          numbers[2 + 2 * run] = stepNumber(step);
        });
        return `[${numbers.join(',')}]`;
      },
      '    ',
      last,
    );
  };
  const matrix = (key: string, matrix: RunMatrix) => {
    emit(`  ${JSON.stringify(key)}: {\n`);
    runLines('sending', matrix.tables.sending, false);
    runLines('passing', matrix.tables.passing, true);
    emit('  },\n');
  };
  const tables = report.after.tables;
  emit('{\n');
  field('format', report.format);
  field('version', report.version);
  field('routers', report.routers);
  field('tunnels', report.tunnels);
  field('groups', report.groups);
  field('servers', report.servers);
  field('warnings', report.warnings);
  emit(`  "hosts": [${tables.hosts.map((host) => JSON.stringify(host.name)).join(', ')}],\n`);
  emit(`  "positions": ${tables.positions},\n`);
  emit(`  "senders": [${tables.senders.join(',')}],\n`);
  emit(`  "targets": [${tables.targets.join(',')}],\n`);
  matrix('before', report.before);
  matrix('after', report.after);
  field('stepFields', STEP_FIELDS);
  lines('steps', stepRows.length, (index) => stepRows[index]!, '  ', true);
  emit('}');
  if (buffer) write(buffer);
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

/** What a document that is not a reachability.json version 3 is. */
export class ReportFormatError extends Error {
  override name = 'ReportFormatError';
}

interface RunsDocument {
  sending: number[][];
  passing: number[][];
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
  positions: number;
  senders: number[];
  targets: number[];
  steps: StepRow[];
  before: RunsDocument;
  after: RunsDocument;
}

// One piece (over 80 lines): every part of the document is checked as it is turned back into tables.
/**
 * The report of a parsed reachability.json (version 3), exactly as it was written: every run
 * and step checked, so that a cell read later cannot meet a host without steps.
 */
export function readReportJson(value: unknown): ReachReport {
  const document = value as Document;
  if (document === null || typeof document !== 'object' || document.format !== REPORT_FORMAT)
    throw new ReportFormatError(`not a reachability document (format is not "${REPORT_FORMAT}")`);
  if (document.version !== REPORT_VERSION)
    throw new ReportFormatError(
      `reachability document version ${String(document.version)}; this geostage reads version ${REPORT_VERSION}`,
    );
  const routers = new Set(document.routers.map((router) => router.name));
  const hosts: RunHost[] = document.hosts.map((name) => ({ name, router: routers.has(name) }));
  const tunnelName = (index: number | null) => {
    if (index === null) return null;
    const tunnel = document.tunnels[index];
    if (!tunnel) throw new ReportFormatError(`a step names tunnel ${index}, beyond the tunnel list`);
    return tunnel.name;
  };
  const steps = document.steps.map((row): Step => {
    if (row[0] === 'delivered') return { kind: 'delivered' };
    if (row[0] === 'forward') {
      if (hosts[row[1]] === undefined)
        throw new ReportFormatError(`a step leads to host ${row[1]}, beyond the host list`);
      return { kind: 'forward', next: row[1], tunnel: tunnelName(row[2]), underlay: row[3] === 1 };
    }
    if (row[0] === 'fail') return { kind: 'fail', reason: row[1], at: row[2], detail: row[3] };
    throw new ReportFormatError(`a step of kind ${JSON.stringify((row as unknown[])[0])}`);
  });
  const positions = document.positions;
  const runsOf = (lines: number[][], what: string): (RouteRuns | undefined)[] => {
    const all: (RouteRuns | undefined)[] = new Array(hosts.length);
    for (const line of lines) {
      const host = line[0]!;
      if (hosts[host] === undefined || line.length < 3 || line.length % 2 === 0)
        throw new ReportFormatError(`a line of ${what} is not [host, start, step, ...] of a listed host`);
      const count = (line.length - 1) / 2;
      const starts = new Int32Array(count);
      const hostSteps: Step[] = new Array(count);
      for (let run = 0; run < count; run++) {
        const start = line[1 + 2 * run]!;
        const step = steps[line[2 + 2 * run]!];
        if (run === 0 ? start !== 0 : start <= starts[run - 1]! || start >= positions)
          throw new ReportFormatError(
            `${hosts[host]!.name}'s runs in ${what} do not cover the positions in order`,
          );
        if (!step)
          throw new ReportFormatError(`${hosts[host]!.name}'s runs in ${what} name a step beyond the table`);
        starts[run] = start;
        hostSteps[run] = step;
      }
      all[host] = { starts, steps: hostSteps };
    }
    return all;
  };
  const matrix = (view: 'before' | 'after'): RunMatrix => {
    const sending = runsOf(document[view].sending, `${view}.sending`);
    const passing = runsOf(document[view].passing, `${view}.passing`);
    for (const sender of document.senders) {
      if (sender >= 0 && !sending[sender])
        throw new ReportFormatError(`${view}: sender ${hosts[sender]?.name ?? sender} has no runs`);
    }
    for (const runs of [...sending, ...passing]) {
      for (const step of runs?.steps ?? []) {
        if (step.kind === 'forward' && !passing[step.next])
          throw new ReportFormatError(
            `${view}: a step leads to ${hosts[step.next]!.name}, which has no runs`,
          );
      }
    }
    return new RunMatrix({
      hosts,
      positions,
      senders: Int32Array.from(document.senders),
      targets: Int32Array.from(document.targets),
      sending,
      passing,
    });
  };
  if (
    document.senders.length !== 2 * document.groups.length ||
    document.targets.length !== document.senders.length
  )
    throw new ReportFormatError('senders and targets must hold two entries per group');
  return {
    format: REPORT_FORMAT,
    version: REPORT_VERSION,
    routers: document.routers,
    tunnels: document.tunnels,
    groups: document.groups,
    servers: document.servers,
    before: matrix('before'),
    after: matrix('after'),
    warnings: document.warnings,
  };
}
