// The forwarding table a router is configured with: its routes to remote LANs, with sibling
// prefixes that leave through the same tunnel merged into their parent (exact CIDR
// aggregation: a merged prefix covers exactly the prefixes it replaces, never more). In
// hub-and-spoke a spoke then needs a handful of routes instead of one per remote site, which
// keeps generated router files linear in the number of sites.
import { formatPrefix, parsePrefix } from './addressing.ts';
import type { ModelForwardingRoute, ModelRoute } from './model.ts';

interface Block {
  network: number;
  length: number;
  sites: string[];
}

function mergeSiblings(blocks: Block[]): Block[] {
  let current = [...blocks].sort((a, b) => a.network - b.network || a.length - b.length);
  for (;;) {
    const merged: Block[] = [];
    let changed = false;
    for (let index = 0; index < current.length; index++) {
      const block = current[index]!;
      const next = current[index + 1];
      const size = 2 ** (32 - block.length);
      const aligned = block.length > 0 && block.network % (size * 2) === 0;
      if (aligned && next && next.length === block.length && next.network === block.network + size) {
        merged.push({ network: block.network, length: block.length - 1, sites: [...block.sites, ...next.sites] });
        index++;
        changed = true;
      } else {
        merged.push(block);
      }
    }
    if (!changed) return merged;
    current = merged;
  }
}

/** Aggregates routes per (interface, next hop); the result is sorted by prefix. */
export function forwardingTable(routes: readonly ModelRoute[]): ModelForwardingRoute[] {
  const groups = new Map<string, { interface: string; nextHop: string; via: string; blocks: Block[] }>();
  for (const route of routes) {
    const key = `${route.interface} ${route.nextHop}`;
    const group = groups.get(key) ?? { interface: route.interface, nextHop: route.nextHop, via: route.via, blocks: [] };
    const prefix = parsePrefix(route.prefix);
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
        sites: [...new Set(block.sites)],
      });
    }
  }
  return table
    .sort((a, b) => a.network - b.network)
    .map(({ network: _network, ...route }) => route);
}
