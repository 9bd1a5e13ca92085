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

describe('reachability.json version 2', () => {
  for (const environment of ENVIRONMENTS) {
    it(`reads back exactly the report it was written from (${environment})`, () => {
      const report = reports.get(environment)!;
      expect(readReportJson(JSON.parse(reportJson(report)))).toEqual(JSON.parse(JSON.stringify(report)));
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

  it('writes each distinct outcome once and every matrix row on one line', () => {
    const report = reports.get('global-hub')!;
    const text = reportJson(report);
    const document = JSON.parse(text);
    const distinct = new Set([...everyCell(report.before), ...everyCell(report.after)]);
    expect(document.outcomes).toHaveLength(distinct.size);
    expect(distinct.size).toBeLessThan(2 * report.groups.length ** 2);
    const rows = text.split('\n').filter((line) => /^ {4}\[\d+(,\d+)*\],?$/.test(line));
    expect(rows).toHaveLength(2 * report.groups.length);
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
      'reachability document version 1; this geostage reads version 2',
    );
  });
});
