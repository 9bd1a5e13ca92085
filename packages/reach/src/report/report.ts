// The reachability document (reachability.json): what reach computed, as plain data for the
// site, verify and reviewers. Versioned: a change of shape bumps `version`. Matrices are kept
// per server group (servers on one segment with the same routes behave alike), so the
// document stays small for 10,000 servers; `outcome()` expands a pair of servers.
import type { Warning } from '../device.ts';
import type { RunMatrix } from './runs.ts';

export const REPORT_FORMAT = 'geostage-reachability';
/**
 * 3: the matrices as runs of steps per host (report/runs.ts, report/json.ts); 2 wrote every
 * distinct outcome, which is every cell between spokes: 10^8 at 10,000 sites.
 */
export const REPORT_VERSION = 3;
/** The TTL a Linux server sends with; the receiver sees it less one per router crossed. */
export const INITIAL_TTL = 64;

export type View = 'before' | 'after';
/**
 * Why a server does not reach another: no-route (a host has no route, or the route leads to
 * the underlay, which carries no LAN prefixes), tunnel-down (a route leads into a tunnel whose
 * ends do not agree), no-host (nobody has the address on the last link), loop, and
 * no-return-path (the request arrives but the reply does not).
 */
export type Reason = 'no-route' | 'tunnel-down' | 'no-host' | 'loop' | 'no-return-path';

export interface Outcome {
  reachable: boolean;
  /** Why not, when not reachable. `no-return-path`: the request arrives, the reply does not. */
  reason: Reason | null;
  /** The host where the packet (or, for no-return-path, the reply) was dropped. */
  at: string | null;
  detail: string | null;
  /** Hosts between the two servers, in order: routers, and `underlay` when the internet carries it. */
  path: string[];
  /** Tunnels crossed, in order. */
  tunnels: string[];
  /** Routers crossed by the request (the underlay counts as one). */
  routers: number;
  /** TTL the receiver sees of a packet sent with 64 (64 - routers); null when not delivered. */
  ttl: number | null;
  /** Hosts the reply crosses, only when it does not retrace `path`. */
  returnPath?: string[];
}

export interface ReportTunnelEnd {
  router: string;
  interface: string;
  file: string;
  line: number;
}

export interface ReportTunnel {
  name: string;
  up: boolean;
  ends: ReportTunnelEnd[];
  problems: string[];
}

export interface ReportRouter {
  name: string;
  /** The router's own name for itself (VyOS system host-name), when set. */
  hostName: string | null;
  files: string[];
  forwards: boolean;
}

export interface ReportGroup {
  /** The segment prefix, e.g. 192.168.10.0/24 (suffixed #2.. when servers of one prefix route differently). */
  id: string;
  prefix: string;
  /** The router the group's servers use as gateway (their site), or null. */
  router: string | null;
  servers: string[];
}

export interface ReportServer {
  name: string;
  address: string;
  prefix: string;
  router: string | null;
  group: string;
}

/**
 * How a cell ends, without its path: what counting readers ask (the text view's summaries, the
 * site's site-pair counts) for every cell, where building each Outcome would cost too much.
 */
export type Fate = 'reachable' | Reason;

/**
 * The outcomes of one view. Row i, column j: from the servers of `groups[i]` to those of
 * `groups[j]`; the diagonal cell is two different servers of one group. Every reader reads a
 * cell through `cell` or `fate`, so that a matrix need not hold its cells: 10,000 groups make
 * 10^8 of them (README, "What 10,000 sites needs"). RunMatrix (report/runs.ts) is the one kind.
 */
export interface Matrix {
  /** Groups per side. */
  readonly size: number;
  /** The outcome from group `row` to group `column`; undefined outside the matrix. */
  cell(row: number, column: number): Outcome | undefined;
  /** The same cell's fate alone, cheap enough to ask for every cell; undefined outside the matrix. */
  fate(row: number, column: number): Fate | undefined;
  /**
   * Per fate, the sum of `weights[column]` over the cells of `row` (`diagonal` instead for the
   * row's own column): the counts of a row without a call per cell.
   */
  tally(row: number, weights: ArrayLike<number>, diagonal: number): Map<Fate, number>;
}

export interface ReachReport {
  format: typeof REPORT_FORMAT;
  version: typeof REPORT_VERSION;
  routers: ReportRouter[];
  tunnels: ReportTunnel[];
  /** Ordered by router, then prefix: the order of the rendered matrix. */
  groups: ReportGroup[];
  /** Ordered like `groups`, then by name. */
  servers: ReportServer[];
  /** The same files with every tunnel removed. */
  before: RunMatrix;
  after: RunMatrix;
  warnings: Warning[];
}

/** Every cell of a matrix, row by row: for the few readers that need them all (tests, benchmarks). */
export function* everyCell(matrix: Matrix): Generator<Outcome> {
  for (let row = 0; row < matrix.size; row++) {
    for (let column = 0; column < matrix.size; column++) yield matrix.cell(row, column)!;
  }
}

/** Group id -> its row and column in the matrices. */
export function groupIndex(report: ReachReport): Map<string, number> {
  return new Map(report.groups.map((group, index) => [group.id, index]));
}

/** The outcome between two groups by id. */
export function groupOutcome(report: ReachReport, view: View, from: string, to: string): Outcome | null {
  const index = groupIndex(report);
  const row = index.get(from);
  const column = index.get(to);
  return row === undefined || column === undefined ? null : (report[view].cell(row, column) ?? null);
}

/** The outcome between two servers, or null on the diagonal (a server and itself). */
export function outcome(report: ReachReport, view: View, from: string, to: string): Outcome | null {
  if (from === to) return null;
  const source = report.servers.find((server) => server.name === from);
  const target = report.servers.find((server) => server.name === to);
  if (!source || !target) throw new Error(`unknown server: ${!source ? from : to}`);
  return groupOutcome(report, view, source.group, target.group);
}

/** Every server pair as `reachable` booleans, keyed by name (the shape of shared/reference). */
export function reachabilityByName(report: ReachReport, view: View): Record<string, Record<string, boolean>> {
  const index = groupIndex(report);
  const out: Record<string, Record<string, boolean>> = {};
  for (const from of report.servers) {
    const row: Record<string, boolean> = {};
    const source = index.get(from.group)!;
    for (const to of report.servers) {
      if (to.name === from.name) continue;
      row[to.name] = report[view].fate(source, index.get(to.group)!) === 'reachable';
    }
    out[from.name] = row;
  }
  return out;
}
