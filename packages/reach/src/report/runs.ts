// A matrix of runs: what every host does with a packet, over the destinations in address order,
// instead of every cell (README, "What 10,000 sites needs"). A host's routing table sends whole
// address blocks one way, so its decisions are a few runs over the sorted destinations: a spoke
// router's row is "my LAN", "into the tunnel to the hub"; the hub's is one run per spoke. A cell
// is expanded on demand by following the runs from the sending server there and back, so the
// report is linear in hosts and routes, not quadratic in server groups. Plain data: reach
// computes it (simulate/runs.ts) and reachability.json carries it (report/json.ts).
import { type Fate, INITIAL_TTL, type Matrix, type Outcome, type Reason } from './report.ts';

/** What one host does with a packet: the unit a run repeats. */
export type Step =
  | { kind: 'delivered' }
  | {
      kind: 'forward';
      /** The next host, as an index into RunTables.hosts. */
      next: number;
      /** The tunnel crossed to reach it. */
      tunnel: string | null;
      /** Whether the internet (the underlay) carries it there. */
      underlay: boolean;
    }
  | { kind: 'fail'; reason: Exclude<Reason, 'no-return-path'>; at: string; detail: string };

/** A host's steps over the destination positions: run k covers [starts[k], starts[k + 1]). */
export interface RouteRuns {
  /** Ascending, the first one 0. */
  starts: Int32Array;
  steps: readonly Step[];
}

export interface RunHost {
  name: string;
  /** Routers count towards `Outcome.routers` (and the TTL); servers do not. */
  router: boolean;
}

/** Everything a RunMatrix follows; one view's runs with the destinations both views share. */
export interface RunTables {
  hosts: readonly RunHost[];
  /** Destination positions: the groups' first and second servers' addresses, in address order. */
  positions: number;
  /** Per group g, at 2g and 2g + 1: the host index of its first and second server (-1: none). */
  senders: Int32Array;
  /** Per group g, at 2g and 2g + 1: the position of its first and second server's address (-1: none). */
  targets: Int32Array;
  /** Per host: its steps as the sender of a packet, where reach needed them. */
  sending: readonly (RouteRuns | undefined)[];
  /** Per host: its steps for a packet it receives, where reach needed them. */
  passing: readonly (RouteRuns | undefined)[];
}

/**
 * The most server groups whose every cell RunMatrix.fate counts, unless told otherwise. The
 * runs are linear in hosts; counting every cell is not: a byte per group pair and view kept,
 * and as much again while it is made. 10,000 groups (10,000 sites) take about 400 MB.
 */
export const MAX_GROUPS = 16_000;

/** Bytes per group pair for both views, at the peak of making them (measured: 4). */
const BYTES_PER_GROUP_PAIR = 4;

/** The memory counting every cell of `groups` groups takes, roughly: `0.4 GB`, `16 GB`. */
function memoryEstimate(groups: number): string {
  const gigabytes = (groups * groups * BYTES_PER_GROUP_PAIR) / 1e9;
  return `${gigabytes < 10 ? gigabytes.toFixed(1) : Math.round(gigabytes).toLocaleString('en-US')} GB`;
}

/** More server groups than fate() counts every cell of (MAX_GROUPS, or --max-groups). */
export class ReachLimitError extends Error {
  override name = 'ReachLimitError';
  readonly groups: number;
  constructor(groups: number, limit: number) {
    super(
      `${groups.toLocaleString('en-US')} server groups make ${(groups * groups).toLocaleString('en-US')} group pairs per view; counting every pair (the text view, the site) is done for at most ${limit.toLocaleString('en-US')} groups; ${groups.toLocaleString('en-US')} would take about ${memoryEstimate(groups)} of memory (--format json writes the report at any size; --max-groups raises the limit where that memory is there)`,
    );
    this.groups = groups;
  }
}

/** A table of steps that lacks what a walk needs: a document that does not hold together. */
export class RunTableError extends Error {
  override name = 'RunTableError';
}

/** Fates as bytes: 0 unknown, 1 reachable, 2 + index into REASONS. */
const REASONS: readonly Reason[] = ['no-route', 'tunnel-down', 'no-host', 'loop', 'no-return-path'];
const UNKNOWN = 0;
const REACHABLE = 1;
const LOOP = 2 + REASONS.indexOf('loop');
const NO_RETURN = 2 + REASONS.indexOf('no-return-path');
/** Cells per side of the blocks fates are paired in. */
const BLOCK = 64;

const codeOf = (step: Step): number =>
  step.kind === 'delivered' ? REACHABLE : step.kind === 'fail' ? 2 + REASONS.indexOf(step.reason) : UNKNOWN;

const fateOf = (code: number): Fate => (code === REACHABLE ? 'reachable' : REASONS[code - 2]!);

/** The run of `runs` that holds `position` (binary search over the run starts). */
function runAt(runs: RouteRuns, position: number): number {
  const starts = runs.starts;
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (starts[middle]! <= position) low = middle;
    else high = middle - 1;
  }
  return low;
}

const stepAt = (runs: RouteRuns, position: number): Step => runs.steps[runAt(runs, position)]!;

function sameReversed(forward: readonly string[], back: readonly string[]): boolean {
  if (forward.length !== back.length) return false;
  for (let index = 0; index < forward.length; index++) {
    if (forward[index] !== back[forward.length - 1 - index]) return false;
  }
  return true;
}

/** A request's outcome and its reply's, as one cell. */
function pairOutcome(forward: Outcome, back: Outcome): Outcome {
  if (!forward.reachable || (back.reachable && sameReversed(forward.path, back.path))) return forward;
  const result: Outcome = { ...forward, returnPath: back.path };
  if (!back.reachable) {
    result.reachable = false;
    result.reason = 'no-return-path';
    result.at = back.at;
    result.detail = `the reply is lost (${back.reason}): ${back.detail}`;
    result.ttl = null;
  }
  return result;
}

// One piece (over 80 lines): walk, cell and the fate rows share the tables and the row caches.
/** A Matrix whose cells are expanded from runs on demand (every call builds a new Outcome). */
export class RunMatrix implements Matrix {
  readonly size: number;
  readonly tables: RunTables;
  /** The order of fate rows' entries (ranks()). */
  private ranking: { rankBefore: Int32Array; positionOf: Int32Array; rankOf: Int32Array } | null = null;
  /** Every cell's fate (a byte per cell), made on the first question. */
  private fates: Uint8Array[] | null = null;
  /** While they are made: the fates from each host a packet passes, and how many are known. */
  private readonly passingRows = new Map<number, Uint8Array>();
  private readonly known = new Map<number, number>();
  /** Per host: 1 when it forwards some destination on (its fates need a row), 2 when not. */
  private forwarding: Uint8Array;
  /** Per host: how many of the fills under way are its passing row's (a next host there loops). */
  private onTheWay: Int32Array;

  /** Past this many groups fate() refuses (ReachLimitError) rather than count every cell. */
  readonly maxGroups: number;

  constructor(tables: RunTables, maxGroups = MAX_GROUPS) {
    this.tables = tables;
    this.maxGroups = maxGroups;
    this.size = tables.senders.length / 2;
    this.forwarding = new Uint8Array(tables.hosts.length);
    this.onTheWay = new Int32Array(tables.hosts.length);
  }

  private runs(host: number, sending: boolean): RouteRuns {
    const runs = (sending ? this.tables.sending : this.tables.passing)[host];
    if (!runs)
      throw new RunTableError(
        `no steps for ${this.tables.hosts[host]?.name ?? `host ${host}`} as ${sending ? 'a sender' : 'a hop'}`,
      );
    return runs;
  }

  /** The way from `sender` (left out of the path) to destination `position`. */
  walk(sender: number, position: number): Outcome {
    const hosts = this.tables.hosts;
    let step = stepAt(this.runs(sender, true), position);
    const path: string[] = [];
    const tunnels: string[] = [];
    let routers = 0;
    const visited = new Set<number>();
    for (;;) {
      if (step.kind === 'delivered')
        return {
          reachable: true,
          reason: null,
          at: null,
          detail: null,
          path,
          tunnels,
          routers,
          ttl: INITIAL_TTL - routers,
        };
      if (step.kind === 'fail')
        return {
          reachable: false,
          reason: step.reason,
          at: step.at,
          detail: step.detail,
          path,
          tunnels,
          routers,
          ttl: null,
        };
      if (step.underlay) {
        path.push('underlay');
        routers += 1;
      }
      if (step.tunnel !== null) tunnels.push(step.tunnel);
      const host = hosts[step.next];
      if (!host) throw new RunTableError(`a step leads to host ${step.next}, beyond the host list`);
      if (visited.has(step.next)) {
        path.push(host.name);
        routers += 1;
        const detail = `a routing loop through ${host.name}`;
        return { reachable: false, reason: 'loop', at: host.name, detail, path, tunnels, routers, ttl: null };
      }
      visited.add(step.next);
      step = stepAt(this.runs(step.next, false), position);
      if (step.kind === 'delivered') continue;
      path.push(host.name);
      if (host.router) routers += 1;
    }
  }

  cell(row: number, column: number): Outcome | undefined {
    if (row < 0 || column < 0 || row >= this.size || column >= this.size) return undefined;
    const { senders, targets } = this.tables;
    const diagonal = row === column && senders[2 * row + 1]! >= 0;
    const forward = this.walk(senders[2 * row]!, targets[diagonal ? 2 * row + 1 : 2 * column]!);
    if (!forward.reachable) return forward;
    const back = diagonal
      ? this.walk(senders[2 * row + 1]!, targets[2 * row]!)
      : this.walk(senders[2 * column]!, targets[2 * row]!);
    return pairOutcome(forward, back);
  }

  fate(row: number, column: number): Fate | undefined {
    if (row < 0 || column < 0 || row >= this.size || column >= this.size) return undefined;
    const fates = this.fates ?? this.fateRows();
    return fateOf(fates[row]![column]!);
  }

  tally(row: number, weights: ArrayLike<number>, diagonal: number): Map<Fate, number> {
    const fates = (this.fates ?? this.fateRows())[row];
    const sums = new Float64Array(2 + REASONS.length);
    const counts = new Map<Fate, number>();
    if (!fates) return counts;
    for (let column = 0; column < fates.length; column++) {
      const code = fates[column]!;
      sums[code] = sums[code]! + weights[column]!;
    }
    const own = fates[row]!;
    sums[own] = sums[own]! + diagonal - weights[row]!;
    sums.forEach((sum, code) => {
      if (code > 0 && sum !== 0) counts.set(fateOf(code), sum);
    });
    return counts;
  }

  /**
   * Every cell's fate, a byte each: each sender's fates towards every group, then each cell
   * paired with its reply's (the transposed cell, read in blocks that stay in the cache). The
   * rows of steps' fates they were made from are let go: only these stay.
   */
  private fateRows(): Uint8Array[] {
    const size = this.size;
    if (size > this.maxGroups) throw new ReachLimitError(size, this.maxGroups);
    const senders = this.tables.senders;
    const sent = Array.from({ length: size }, (_, group) => {
      const row = new Uint8Array(size);
      this.fill(senders[2 * group]!, true, row, 0, this.tables.positions);
      return row;
    });
    const { rankOf } = this.ranks();
    const fates = Array.from({ length: size }, () => new Uint8Array(size));
    for (let rowBlock = 0; rowBlock < size; rowBlock += BLOCK) {
      const rowEnd = Math.min(size, rowBlock + BLOCK);
      for (let columnBlock = 0; columnBlock < size; columnBlock += BLOCK) {
        const columnEnd = Math.min(size, columnBlock + BLOCK);
        for (let row = rowBlock; row < rowEnd; row++) {
          const forward = sent[row]!;
          const out = fates[row]!;
          const back = rankOf[row]!;
          for (let column = columnBlock; column < columnEnd; column++) {
            const code = forward[rankOf[column]!]!;
            out[column] =
              code !== REACHABLE ? code : sent[column]![back] === REACHABLE ? REACHABLE : NO_RETURN;
          }
        }
      }
    }
    // The diagonal of a group of two or more: from its first server to its second and back.
    for (let group = 0; group < size; group++) {
      if (senders[2 * group + 1]! < 0) continue;
      const outcome = this.cell(group, group)!;
      fates[group]![group] = outcome.reachable ? REACHABLE : 2 + REASONS.indexOf(outcome.reason!);
    }
    this.passingRows.clear();
    this.known.clear();
    this.fates = fates;
    return fates;
  }

  /**
   * Fate rows are indexed by rank: the groups' first servers in address order, so that the
   * positions of a run are one range of a row, filled or copied whole. `rankBefore[position]`:
   * the first servers before that position; `positionOf[rank]`; `rankOf[group]`.
   */
  private ranks(): { rankBefore: Int32Array; positionOf: Int32Array; rankOf: Int32Array } {
    if (!this.ranking) {
      const { positions, targets } = this.tables;
      const first = new Uint8Array(positions);
      for (let group = 0; group < this.size; group++) first[targets[2 * group]!] = 1;
      const rankBefore = new Int32Array(positions + 1);
      const positionOf = new Int32Array(this.size);
      for (let position = 0; position < positions; position++) {
        if (first[position]) positionOf[rankBefore[position]!] = position;
        rankBefore[position + 1] = rankBefore[position]! + first[position]!;
      }
      const rankOf = new Int32Array(this.size);
      for (let group = 0; group < this.size; group++) rankOf[group] = rankBefore[targets[2 * group]!]!;
      this.ranking = { rankBefore, positionOf, rankOf };
    }
    return this.ranking;
  }

  /**
   * Fills the unknown fates of `row` (host's) for the destination positions [from, to), and
   * says how many it filled: a run at a time, a forwarded run copied from the next host's row,
   * filled first over just that range. The ranges of nested calls nest, so a next host already
   * on the way (onTheWay[host] > 0) loops for the whole range.
   */
  private fill(host: number, sending: boolean, row: Uint8Array, from: number, to: number): number {
    const { rankBefore, positionOf } = this.ranks();
    const runs = this.runs(host, sending);
    const starts = runs.starts;
    const end = (run: number) => (run + 1 < starts.length ? starts[run + 1]! : this.tables.positions);
    let finished = 0;
    for (let run = runAt(runs, from); run < starts.length && starts[run]! < to; run++) {
      const step = runs.steps[run]!;
      const last = rankBefore[Math.min(to, end(run))]!;
      let rank = rankBefore[Math.max(from, starts[run]!)]!;
      while (rank < last) {
        if (row[rank] !== UNKNOWN) {
          rank++;
          continue;
        }
        // [rank, stop): fates still unknown, filled together.
        let stop = rank + 1;
        while (stop < last && row[stop] === UNKNOWN) stop++;
        const next = step.kind === 'forward' ? step.next : -1;
        if (next < 0) row.fill(codeOf(step), rank, stop);
        else if (this.onTheWay[next]! > 0) row.fill(LOOP, rank, stop);
        else {
          const nextRow = this.passingRowOver(next, positionOf[rank]!, positionOf[stop - 1]! + 1);
          if (nextRow) row.set(nextRow.subarray(rank, stop), rank);
          else {
            const nextRuns = this.runs(next, false);
            for (let at = rank; at < stop; at++) row[at] = codeOf(stepAt(nextRuns, positionOf[at]!));
          }
        }
        finished += stop - rank;
        rank = stop;
      }
    }
    return finished;
  }

  /**
   * The passing row of `host` with [from, to) filled; null for a host that forwards nothing
   * (a server), whose fates are its steps.
   */
  private passingRowOver(host: number, from: number, to: number): Uint8Array | null {
    if (this.forwarding[host] === 0) {
      const runs = this.runs(host, false);
      this.forwarding[host] = runs.steps.some((step) => step.kind === 'forward') ? 1 : 2;
    }
    if (this.forwarding[host] === 2) return null;
    let row = this.passingRows.get(host);
    if (!row) {
      row = new Uint8Array(this.size);
      this.passingRows.set(host, row);
    }
    // A row every fate of which is known is not scanned again (the hub's, asked by every spoke).
    const known = this.known.get(host) ?? 0;
    if (known < this.size) {
      this.onTheWay[host]!++;
      this.known.set(host, known + this.fill(host, false, row, from, to));
      this.onTheWay[host]!--;
    }
    return row;
  }
}
