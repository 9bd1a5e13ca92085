// The reviewer's view: which server pairs gain or lose reachability between two revisions of
// the generated files, and which reachable pairs change the tunnels they cross. Compared per
// class of servers (same group in both revisions) and expanded to server names at the end,
// so a change in a 10,000-server environment costs group pairs, not server pairs.
import { groupIndex, type Outcome, type ReachReport, type View } from './report.ts';

export type ChangeKind = 'lost' | 'gained' | 'tunnels';

export interface ReachChange {
  view: View;
  change: ChangeKind;
  /** Every server in `from` to every server in `to` (a server never pairs with itself). */
  from: string[];
  to: string[];
  base: Outcome;
  head: Outcome;
}

export interface ReachDiff {
  /** Servers only in the head revision, and only in the base. */
  added: string[];
  removed: string[];
  changes: ReachChange[];
}

function sameTunnels(x: Outcome, y: Outcome): boolean {
  return (
    x.tunnels.length === y.tunnels.length && x.tunnels.every((tunnel, index) => tunnel === y.tunnels[index])
  );
}

export function diffReports(
  base: ReachReport,
  head: ReachReport,
  views: readonly View[] = ['before', 'after'],
): ReachDiff {
  const baseIndex = groupIndex(base);
  const headIndex = groupIndex(head);
  const baseGroup = new Map(base.servers.map((server) => [server.name, baseIndex.get(server.group)!]));
  const headGroup = new Map(head.servers.map((server) => [server.name, headIndex.get(server.group)!]));
  // Servers in both revisions, by the pair of groups they belong to.
  const classes = new Map<string, { base: number; head: number; servers: string[] }>();
  for (const server of head.servers) {
    const before = baseGroup.get(server.name);
    if (before === undefined) continue;
    const after = headGroup.get(server.name)!;
    const key = `${before} ${after}`;
    let entry = classes.get(key);
    if (!entry) {
      entry = { base: before, head: after, servers: [] };
      classes.set(key, entry);
    }
    entry.servers.push(server.name);
  }
  const changes: ReachChange[] = [];
  for (const view of views) {
    for (const from of classes.values()) {
      for (const to of classes.values()) {
        const was = base[view].cell(from.base, to.base);
        const is = head[view].cell(from.head, to.head);
        if (!was || !is) continue;
        if (from === to && from.servers.length < 2) continue;
        let change: ChangeKind | null = null;
        if (was.reachable && !is.reachable) change = 'lost';
        else if (!was.reachable && is.reachable) change = 'gained';
        else if (was.reachable && is.reachable && !sameTunnels(was, is)) change = 'tunnels';
        if (change) changes.push({ view, change, from: from.servers, to: to.servers, base: was, head: is });
      }
    }
  }
  return {
    added: head.servers.filter((server) => !baseGroup.has(server.name)).map((server) => server.name),
    removed: base.servers.filter((server) => !headGroup.has(server.name)).map((server) => server.name),
    changes,
  };
}

/** Every server pair of the changes, as [view, change, from, to], sorted. */
export function changedPairs(diff: ReachDiff): [View, ChangeKind, string, string][] {
  const pairs: [View, ChangeKind, string, string][] = [];
  for (const change of diff.changes) {
    for (const from of change.from) {
      for (const to of change.to) if (from !== to) pairs.push([change.view, change.change, from, to]);
    }
  }
  return pairs.sort((x, y) => (x.join(' ') < y.join(' ') ? -1 : x.join(' ') > y.join(' ') ? 1 : 0));
}

const VERBS: Record<ChangeKind, string> = { lost: 'loses', gained: 'gains', tunnels: 'changes tunnels' };

function names(list: readonly string[]): string {
  return list.length <= 6 ? list.join(', ') : `${list.slice(0, 5).join(', ')} and ${list.length - 5} more`;
}

export function renderDiff(diff: ReachDiff, title: string): string {
  const lines = [title];
  if (diff.added.length) lines.push(`servers added: ${diff.added.join(', ')}`);
  if (diff.removed.length) lines.push(`servers removed: ${diff.removed.join(', ')}`);
  if (diff.changes.length === 0)
    lines.push('no server pair gains or loses reachability, and no path changes tunnels');
  for (const change of diff.changes) {
    const head = change.head;
    const why =
      change.change === 'lost'
        ? `${head.reason} at ${head.at}: ${head.detail}`
        : change.change === 'gained'
          ? `via ${head.tunnels.join(', ') || 'no tunnel'}`
          : `${change.base.tunnels.join(', ') || 'no tunnel'} -> ${head.tunnels.join(', ') || 'no tunnel'}`;
    const pairs =
      change.from.length * change.to.length - (change.from === change.to ? change.from.length : 0);
    lines.push(
      `${change.view}: ${names(change.from)} -> ${names(change.to)} ${VERBS[change.change]} (${pairs} pair${pairs === 1 ? '' : 's'}; ${why})`,
    );
  }
  return `${lines.join('\n')}\n`;
}
