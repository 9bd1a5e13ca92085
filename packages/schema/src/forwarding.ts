// The forwarding table a router is configured with: its routes to remote LANs, with sibling
// prefixes that leave through the same tunnel merged into their parent (exact CIDR
// aggregation: a merged prefix covers exactly the prefixes it replaces, never more). In
// hub-and-spoke a spoke then needs a handful of routes instead of one per remote site, which
// keeps generated router files linear in the number of sites.
import { formatPrefix, type Prefix, parsePrefix } from './addressing.ts';
import type { ModelForwardingRoute, ModelRoute } from './model.ts';

/** A LAN prefix and the site that owns it. */
export interface Member {
  network: number;
  length: number;
  site: string;
}

/** An aligned block of addresses and the LAN prefixes inside it, in address order. */
export interface Block {
  network: number;
  length: number;
  members: Member[];
}

/** One pass over blocks sorted by address: merge the top two of a stack while they are siblings. */
export function mergeSiblings(blocks: readonly Block[]): Block[] {
  const sorted = [...blocks].sort((a, b) => a.network - b.network || a.length - b.length);
  const stack: Block[] = [];
  for (const block of sorted) {
    stack.push(block);
    for (;;) {
      const upper = stack[stack.length - 1]!;
      const lower = stack[stack.length - 2];
      if (!lower || lower.length !== upper.length || lower.length === 0) break;
      const size = 2 ** (32 - lower.length);
      if (lower.network % (size * 2) !== 0 || upper.network !== lower.network + size) break;
      stack.splice(-2, 2, {
        network: lower.network,
        length: lower.length - 1,
        members: [...lower.members, ...upper.members],
      });
    }
  }
  return stack;
}

/**
 * The merged blocks of a set of prefixes, less some of its own prefixes: each block holding one
 * is split down to it, so the result is what mergeSiblings gives for the smaller set (the
 * largest aligned blocks are unique), at the cost of the split blocks only.
 */
export function withoutMembers(blocks: readonly Block[], removed: readonly Member[]): Block[] {
  if (removed.length === 0) return [...blocks];
  const out: Block[] = [];
  // Members are in address order: a half of a block is an index range found by binary search,
  // and a block is copied out once, when it is kept, not at every level of the split.
  const split = (
    block: Block,
    network: number,
    length: number,
    from: number,
    to: number,
    inside: readonly Member[],
  ) => {
    if (inside.length === 0) {
      out.push(pieceOf(block, network, length, from, to));
      return;
    }
    if (inside.some((member) => member.network === network && member.length === length)) return;
    const half = 2 ** (32 - length - 1);
    const middle = network + half;
    const cut = firstAtOrAfter(block.members, middle, from, to);
    if (cut > from)
      split(
        block,
        network,
        length + 1,
        from,
        cut,
        inside.filter((member) => member.network < middle),
      );
    if (to > cut)
      split(
        block,
        middle,
        length + 1,
        cut,
        to,
        inside.filter((member) => member.network >= middle),
      );
  };
  for (const block of blocks) {
    const end = block.network + 2 ** (32 - block.length);
    split(
      block,
      block.network,
      block.length,
      0,
      block.members.length,
      removed.filter((member) => member.network >= block.network && member.network < end),
    );
  }
  return out;
}

// The pieces a block is split into, made once per block: every spoke of a hub splits the same
// merged blocks around its own LANs, and the pieces away from its LANs are the same for many
// spokes. As shared objects, what is worked out from a piece (its sites) is worked out once.
const PIECES = new WeakMap<Block, Map<number, Block>>();

/** The aligned piece `network`/`length` of `block`, its members those at [from, to). */
function pieceOf(block: Block, network: number, length: number, from: number, to: number): Block {
  if (length === block.length) return block;
  let pieces = PIECES.get(block);
  if (!pieces) {
    pieces = new Map();
    PIECES.set(block, pieces);
  }
  const key = network * 64 + length;
  let piece = pieces.get(key);
  if (!piece) {
    piece = { network, length, members: block.members.slice(from, to) };
    pieces.set(key, piece);
  }
  return piece;
}

/** The first index in [from, to) whose member's network is at least `network` (to when none is). */
function firstAtOrAfter(members: readonly Member[], network: number, from: number, to: number): number {
  let low = from;
  let high = to;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (members[mid]!.network < network) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** The sites a block's prefixes belong to, each once, in address order. */
export function blockSites(block: Block): string[] {
  return block.members.length === 1
    ? [block.members[0]!.site]
    : [...new Set(block.members.map((member) => member.site))];
}

/**
 * Aggregates routes per tunnel interface (one interface, one next hop); sorted by prefix. The
 * definition of a forwarding table: resolve builds the same tables faster with routePlanner
 * (routes.ts), and forwarding.test.ts holds the planner to this.
 */
export function forwardingTable(
  routes: readonly ModelRoute[],
  prefixOf: (prefix: string) => Prefix = parsePrefix,
): ModelForwardingRoute[] {
  const groups = new Map<string, { interface: string; nextHop: string; via: string; blocks: Block[] }>();
  for (const route of routes) {
    const key = route.interface;
    const group = groups.get(key) ?? {
      interface: route.interface,
      nextHop: route.nextHop,
      via: route.via,
      blocks: [],
    };
    const prefix = prefixOf(route.prefix);
    const member = { network: prefix.network, length: prefix.length, site: route.site };
    group.blocks.push({ network: prefix.network, length: prefix.length, members: [member] });
    groups.set(key, group);
  }
  const table: (ModelForwardingRoute & { network: number })[] = [];
  for (const group of groups.values()) {
    for (const block of mergeSiblings(group.blocks)) {
      table.push({
        prefix: formatPrefix(block),
        network: block.network,
        interface: group.interface,
        nextHop: group.nextHop,
        via: group.via,
        sites: blockSites(block),
      });
    }
  }
  return table.sort((a, b) => a.network - b.network).map(({ network: _network, ...route }) => route);
}
