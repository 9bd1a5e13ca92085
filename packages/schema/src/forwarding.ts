// The forwarding table a router is configured with: its routes to remote LANs, with sibling
// prefixes that leave through the same tunnel merged into their parent (exact CIDR
// aggregation: a merged prefix covers exactly the prefixes it replaces, never more). In
// hub-and-spoke a spoke then needs a handful of routes instead of one per remote site, which
// keeps generated router files linear in the number of sites.
import { formatPrefix, type Prefix, parsePrefix } from './addressing.ts';
import type { ModelForwardingRoute, ModelRoute } from './model.ts';

interface Block {
  network: number;
  length: number;
  sites: string[];
}

/** One pass over blocks sorted by address: merge the top two of a stack while they are siblings. */
function mergeSiblings(blocks: Block[]): Block[] {
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
        sites: [...lower.sites, ...upper.sites],
      });
    }
  }
  return stack;
}

/** Aggregates routes per tunnel interface (one interface, one next hop); sorted by prefix. */
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
    group.blocks.push({ network: prefix.network, length: prefix.length, sites: [route.site] });
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
        sites: block.sites.length === 1 ? block.sites : [...new Set(block.sites)],
      });
    }
  }
  return table.sort((a, b) => a.network - b.network).map(({ network: _network, ...route }) => route);
}
