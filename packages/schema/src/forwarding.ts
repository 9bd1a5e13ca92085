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
  const split = (block: Block, inside: readonly Member[]) => {
    if (inside.length === 0) {
      out.push(block);
      return;
    }
    if (inside.some((member) => member.network === block.network && member.length === block.length)) return;
    const half = 2 ** (32 - block.length - 1);
    const middle = block.network + half;
    for (const [network, low, high] of [
      [block.network, block.network, middle],
      [middle, middle, block.network + 2 * half],
    ] as const) {
      const members = block.members.filter((member) => member.network >= low && member.network < high);
      if (members.length === 0) continue;
      split(
        { network, length: block.length + 1, members },
        inside.filter((member) => member.network >= low && member.network < high),
      );
    }
  };
  for (const block of blocks) {
    const end = block.network + 2 ** (32 - block.length);
    split(
      block,
      removed.filter((member) => member.network >= block.network && member.network < end),
    );
  }
  return out;
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
