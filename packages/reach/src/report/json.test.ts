import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { readGeneratedNetwork } from '../read/files.ts';
import { computeReachability } from '../simulate/reachability.ts';
import { ReportFormatError, readReportJson, reportJson, writeReportJson } from './json.ts';
import { everyCell, type ReachReport, reachabilityByName } from './report.ts';

const root = new URL('../../../../', import.meta.url).pathname;
const ENVIRONMENTS = ['keio-2019', 'wide-2012', 'global-hub'] as const;
const reports = new Map<string, ReachReport>();
beforeAll(async () => {
  for (const environment of ENVIRONMENTS)
    reports.set(
      environment,
      computeReachability(await readGeneratedNetwork(`${root}environments/${environment}/generated/network`)),
    );
});

/** What a reader sees of a report: every field, and both matrices cell by cell. */
function seen(report: ReachReport) {
  const { before, after, ...rest } = report;
  return { ...rest, before: [...everyCell(before)], after: [...everyCell(after)] };
}

describe('reachability.json version 3', () => {
  for (const environment of ENVIRONMENTS) {
    it(`reads back exactly the report it was written from (${environment})`, () => {
      const report = reports.get(environment)!;
      expect(seen(readReportJson(JSON.parse(reportJson(report))))).toEqual(seen(report));
    });
  }

  it('keeps the thesis tables of keio-2019 (the recorded reference) through the round trip', () => {
    const reference = JSON.parse(
      readFileSync(new URL('../../test-data/keio-2019.json', import.meta.url), 'utf8'),
    );
    const back = readReportJson(JSON.parse(reportJson(reports.get('keio-2019')!)));
    expect(reachabilityByName(back, 'before')).toEqual(reference.reachability.before_vpn);
    expect(reachabilityByName(back, 'after')).toEqual(reference.reachability.after_vpn);
  });

  it('writes runs per host and each distinct step once, one host per line', () => {
    const report = reports.get('global-hub')!;
    const text = reportJson(report);
    const document = JSON.parse(text);
    const steps = document.steps.map((step: unknown) => JSON.stringify(step));
    expect(new Set(steps).size).toBe(steps.length);
    // A sender's line for every group's servers (one or two), in both views.
    const senders = document.senders.filter((sender: number) => sender >= 0);
    expect(document.after.sending).toHaveLength(new Set(senders).size);
    expect(document.before.sending).toHaveLength(new Set(senders).size);
    const runLines = text.split('\n').filter((line) => /^ {6}\[\d+(,\d+)*\],?$/.test(line));
    expect(runLines).toHaveLength(
      document.before.sending.length +
        document.before.passing.length +
        document.after.sending.length +
        document.after.passing.length,
    );
  });

  it('refuses a document whose runs lead to a host without runs', () => {
    const document = JSON.parse(reportJson(reports.get('global-hub')!));
    document.after.passing = [];
    expect(() => readReportJson(document)).toThrow(/after: a step leads to .*, which has no runs/);
  });

  it('hands on pieces that join to the whole document', () => {
    const report = reports.get('global-hub')!;
    const pieces: string[] = [];
    writeReportJson(report, (piece) => pieces.push(piece));
    expect(pieces.join('')).toBe(reportJson(report));
  });

  it('refuses another format or version by name', () => {
    expect(() => readReportJson({ format: 'other' })).toThrow(ReportFormatError);
    expect(() => readReportJson({ format: 'geostage-reachability', version: 1 })).toThrow(
      'reachability document version 1; this geostage reads version 3',
    );
  });
});
