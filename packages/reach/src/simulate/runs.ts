// The run tables of one view: for every host a packet can meet, its decisions over the
// destination addresses in order, found from its routing table alone (README, "What 10,000
// sites needs"). Each entry's prefix is a range of the sorted destinations; cut at every
// entry's ends (and at the host's own addresses), each piece has one longest match, so one
// decision stands for the piece whenever decide() keeps it on the route entry. Only a route
// whose decision depends on the destination (a connected link: who has the address) is
// decided per destination. O(entries x log destinations) per host, nothing per group pair.
import { type RouteRuns, type RunHost, RunMatrix, type RunTables, type Step } from '../report/runs.ts';
import { type Decision, decide, type Host, lookup, type Network } from './forwarding.ts';

/** The servers of one group, first the one its row sends from. */
export interface GroupMembers {
  members: readonly { device: { name: string }; address: number }[];
}

/** The first index of `sorted` whose value is at least `value`. */
function lowerBound(sorted: Float64Array, value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (sorted[middle]! < value) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Decisions kept on a route entry or on the host hold for every destination that takes them. */
function keptFor(host: Host, decision: Decision, address: number): boolean {
  if (decision === host.noRoute || decision === host.refuses) return true;
  return lookup(host.table, address)?.decision === decision;
}

/** A host's decisions over `sorted` (unsigned destination addresses, ascending). */
function decisionRuns(
  network: Network,
  host: Host,
  sending: boolean,
  sorted: Float64Array,
): { starts: number[]; decisions: Decision[] } {
  const cuts = [0, sorted.length];
  for (const byNetwork of host.table.byLength.values()) {
    for (const entry of byNetwork.values()) {
      const first = entry.prefix.network >>> 0;
      const low = lowerBound(sorted, first);
      const high = lowerBound(sorted, first + 2 ** (32 - entry.prefix.length));
      if (low < high) cuts.push(low, high);
    }
  }
  for (const address of host.addresses) {
    const low = lowerBound(sorted, address >>> 0);
    const high = lowerBound(sorted, (address >>> 0) + 1);
    if (low < high) cuts.push(low, high);
  }
  cuts.sort((x, y) => x - y);
  const starts: number[] = [];
  const decisions: Decision[] = [];
  const push = (start: number, decision: Decision) => {
    if (decisions[decisions.length - 1] === decision) return;
    starts.push(start);
    decisions.push(decision);
  };
  for (let cut = 0; cut + 1 < cuts.length; cut++) {
    const from = cuts[cut]!;
    const to = cuts[cut + 1]!;
    if (from === to) continue;
    const address = sorted[from]! | 0;
    const decision = decide(network, host, address, sending);
    if (sorted[to - 1] === sorted[from] || keptFor(host, decision, address)) push(from, decision);
    else for (let at = from; at < to; at++) push(at, decide(network, host, sorted[at]! | 0, sending));
  }
  return { starts, decisions };
}

/**
 * The run matrix of one view for `groups`: the senders' runs, and the runs of every host their
 * packets reach, found breadth first from the senders.
 */
export function runMatrix(network: Network, groups: readonly GroupMembers[], maxGroups?: number): RunMatrix {
  const destinations: { address: number; slot: number }[] = [];
  const senders = new Int32Array(2 * groups.length).fill(-1);
  groups.forEach((group, index) => {
    group.members.slice(0, 2).forEach((member, order) => {
      destinations.push({ address: member.address >>> 0, slot: 2 * index + order });
      senders[2 * index + order] = network.byName.get(member.device.name)!.index;
    });
  });
  destinations.sort((x, y) => x.address - y.address || x.slot - y.slot);
  const sorted = Float64Array.from(destinations, (destination) => destination.address);
  const targets = new Int32Array(2 * groups.length).fill(-1);
  destinations.forEach((destination, position) => {
    targets[destination.slot] = position;
  });

  // One Step per distinct content: two routes that send the same way (a spoke's route per
  // remote LAN, all into one tunnel) give one step, and their runs merge.
  const steps = new Map<Decision, Step>();
  const byContent = new Map<string, Step>();
  const DELIVERED: Step = { kind: 'delivered' };
  const stepOf = (decision: Decision): Step => {
    let step = steps.get(decision);
    if (!step) {
      if (decision.kind === 'delivered') step = DELIVERED;
      else {
        const key =
          decision.kind === 'forward'
            ? `forward ${decision.next.index} ${decision.tunnel?.name ?? ''} ${decision.underlay}`
            : `fail ${decision.reason} ${decision.at} ${decision.detail}`;
        step = byContent.get(key);
        if (!step) {
          step =
            decision.kind === 'forward'
              ? {
                  kind: 'forward',
                  next: decision.next.index,
                  tunnel: decision.tunnel?.name ?? null,
                  underlay: decision.underlay,
                }
              : { kind: 'fail', reason: decision.reason, at: decision.at, detail: decision.detail };
          byContent.set(key, step);
        }
      }
      steps.set(decision, step);
    }
    return step;
  };
  const sending: (RouteRuns | undefined)[] = new Array(network.hosts.length);
  const passing: (RouteRuns | undefined)[] = new Array(network.hosts.length);
  const queue: Host[] = [];
  const runsOf = (host: Host, asSender: boolean): RouteRuns => {
    const { starts, decisions } = decisionRuns(network, host, asSender, sorted);
    for (const decision of decisions) {
      if (decision.kind === 'forward' && !passing[decision.next.index]) {
        passing[decision.next.index] = { starts: new Int32Array(0), steps: [] };
        queue.push(decision.next);
      }
    }
    const merged: number[] = [];
    const mergedSteps: Step[] = [];
    decisions.forEach((decision, run) => {
      const step = stepOf(decision);
      if (mergedSteps[mergedSteps.length - 1] === step) return;
      merged.push(starts[run]!);
      mergedSteps.push(step);
    });
    return { starts: Int32Array.from(merged), steps: mergedSteps };
  };
  for (const sender of senders) {
    if (sender >= 0 && !sending[sender]) sending[sender] = runsOf(network.hosts[sender]!, true);
  }
  for (let index = 0; index < queue.length; index++)
    passing[queue[index]!.index] = runsOf(queue[index]!, false);
  const hosts: RunHost[] = network.hosts.map((host) => ({ name: host.name, router: host.kind === 'router' }));
  const tables: RunTables = { hosts, positions: sorted.length, senders, targets, sending, passing };
  return new RunMatrix(tables, maxGroups);
}
