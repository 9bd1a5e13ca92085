// Paths towards a fixed list of destinations, memoised per (host, destination): the walk of
// every server group pair there and back shares what follows wherever packets meet.
import { INITIAL_TTL, type Outcome } from '../report/report.ts';
import { type Decision, decide, type Host, type Network } from './forwarding.ts';

/**
 * The rest of a packet's way from the host it has reached, in the shape of an Outcome so that
 * one object serves every pair whose packets take that way (see pathFinder).
 */
export type Suffix = Outcome;

/** [first, ...head, ...rest], sized exactly: a million of these stay in the report. */
function prepend(head: readonly string[], rest: readonly string[], first: string): string[] {
  const out = new Array<string>(1 + head.length + rest.length);
  out[0] = first;
  for (let index = 0; index < head.length; index++) out[1 + index] = head[index]!;
  for (let index = 0; index < rest.length; index++) out[1 + head.length + index] = rest[index]!;
  return out;
}

const DELIVERED: Suffix = {
  reachable: true,
  reason: null,
  at: null,
  detail: null,
  path: [],
  tunnels: [],
  routers: 0,
  ttl: INITIAL_TTL,
};

/** A packet dropped at `host`: the same object for every destination dropped there for one reason. */
function dropped(decision: Decision & { kind: 'fail' }, path: string[], routers: number): Suffix {
  return {
    reachable: false,
    reason: decision.reason,
    at: decision.at,
    detail: decision.detail,
    path,
    tunnels: [],
    routers,
    ttl: null,
  };
}

// One piece (over 80 lines): suffix, extend and start share the memo and the drop caches of this closure.
/**
 * Paths towards a fixed list of destinations, memoised per (host, destination): every source
 * whose packets meet at a host shares what follows, so N groups cost about N x hosts decisions
 * instead of N^2 walks, and the results are shared objects: treat them as read-only.
 */
export function pathFinder(network: Network, destinations: readonly number[]) {
  const count = destinations.length;
  /** Per host index: per destination, the suffix from that host (allocated on first use). */
  const memo: (Suffix | undefined | null)[][] = [];
  /** Failure suffixes shared per decision: at a host on the way, and at the sender itself. */
  const drops = new Map<Decision, Suffix>();
  const senderDrops = new Map<Decision, Suffix>();
  const VISITING = null;
  function suffix(host: Host, target: number): Suffix {
    let row = memo[host.index];
    if (!row) {
      row = new Array(count);
      memo[host.index] = row;
    }
    const known = row[target];
    if (known === VISITING) {
      return dropped(
        { kind: 'fail', reason: 'loop', at: host.name, detail: `a routing loop through ${host.name}` },
        [host.name],
        1,
      );
    }
    if (known) return known;
    row[target] = VISITING;
    const result = extend(host, decide(network, host, destinations[target]!, false), target);
    row[target] = result;
    return result;
  }
  function extend(host: Host, decision: Decision, target: number): Suffix {
    if (decision.kind === 'delivered') return DELIVERED;
    if (decision.kind === 'fail') {
      let shared = drops.get(decision);
      if (!shared) {
        shared = dropped(decision, [host.name], host.kind === 'router' ? 1 : 0);
        drops.set(decision, shared);
      }
      return shared;
    }
    const rest = suffix(decision.next, target);
    const routers = rest.routers + (host.kind === 'router' ? 1 : 0) + (decision.underlay ? 1 : 0);
    return {
      reachable: rest.reachable,
      reason: rest.reason,
      at: rest.at,
      detail: rest.detail,
      path: decision.underlay
        ? prepend(['underlay'], rest.path, host.name)
        : prepend([], rest.path, host.name),
      tunnels: decision.tunnel ? [decision.tunnel.name, ...rest.tunnels] : rest.tunnels,
      routers,
      ttl: rest.reachable ? INITIAL_TTL - routers : null,
    };
  }
  function start(origin: Host, target: number): Suffix {
    const decision = decide(network, origin, destinations[target]!, true);
    if (decision.kind === 'delivered') return DELIVERED;
    if (decision.kind === 'fail') {
      let shared = senderDrops.get(decision);
      if (!shared) {
        shared = dropped(decision, [], 0);
        senderDrops.set(decision, shared);
      }
      return shared;
    }
    const rest = suffix(decision.next, target);
    if (!decision.underlay && !decision.tunnel) return rest;
    const routers = rest.routers + (decision.underlay ? 1 : 0);
    return {
      reachable: rest.reachable,
      reason: rest.reason,
      at: rest.at,
      detail: rest.detail,
      path: decision.underlay ? ['underlay', ...rest.path] : rest.path,
      tunnels: decision.tunnel ? [decision.tunnel.name, ...rest.tunnels] : rest.tunnels,
      routers,
      ttl: rest.reachable ? INITIAL_TTL - routers : null,
    };
  }
  /**
   * The way from `origin` (which sends, and is left out of the path) to destination `target`.
   * Not memoised itself: the sender's decision is cached on its route and what follows is.
   */
  return start;
}
