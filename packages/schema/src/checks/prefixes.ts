// Network prefixes: their syntax, and that no two ranges overlap. The ranges are every LAN
// segment, the WAN prefixes (routers sharing one underlay prefix is normal), the tunnel pool and
// the pod and service subnets; an overlap makes a route ambiguous somewhere.
import type { Address4 } from 'ip-address';
import type { YamlPath } from '../positions.ts';
import { type Check, error, type Finding } from './finding.ts';
import { networkOf, parseAddressWithPrefix, parsePrefix } from './ipv4.ts';

interface Range {
  prefix: Address4;
  path: YamlPath;
  what: string;
  /** False for a default the user did not write: then the other range is the one to move. */
  written: boolean;
}

export const checkPrefixes: Check = ({ topology, written, where }) => {
  const findings: Finding[] = [];
  const ranges: Range[] = [];
  const add = (
    text: string | undefined,
    path: YamlPath,
    what: string,
    isWritten: boolean,
    example: string,
  ) => {
    if (text === undefined) return;
    const parsed = parsePrefix(text);
    if (!parsed.ok) {
      findings.push(
        error(
          'invalid-prefix',
          path,
          `"${text}" is not a valid prefix: ${parsed.reason}`,
          `write the network address and prefix length, e.g. ${example}`,
        ),
      );
      return;
    }
    ranges.push({
      prefix: parsed.value,
      path,
      what: isWritten ? what : `the default ${what}`,
      written: isWritten,
    });
  };

  const wanNetworks = new Set<string>();
  topology.sites.forEach((site, s) => {
    const wan = parseAddressWithPrefix(site.router.wan.address);
    if (wan.ok) {
      const network = networkOf(wan.value);
      // Routers on one shared underlay prefix are the normal case: compare that prefix once.
      if (!wanNetworks.has(network.address)) {
        wanNetworks.add(network.address);
        ranges.push({
          prefix: network,
          path: ['sites', s, 'router', 'wan', 'address'],
          what: `WAN prefix ${network.address} of router ${site.router.name}`,
          written: true,
        });
      }
    }
    site.segments.forEach((segment, g) => {
      add(
        segment.prefix,
        ['sites', s, 'segments', g, 'prefix'],
        `prefix ${segment.prefix} of segment ${site.name}/${segment.name}`,
        true,
        '192.168.10.0/24',
      );
    });
  });
  const pool = topology.vpn?.pool;
  add(pool, ['vpn', 'pool'], `tunnel pool ${pool}`, written.vpn?.pool !== undefined, '10.255.0.0/24');
  const kubernetes = topology.kubernetes;
  if (kubernetes) {
    add(
      kubernetes.podSubnet,
      ['kubernetes', 'podSubnet'],
      `pod subnet ${kubernetes.podSubnet}`,
      written.kubernetes?.podSubnet !== undefined,
      '10.244.0.0/16',
    );
    add(
      kubernetes.serviceSubnet,
      ['kubernetes', 'serviceSubnet'],
      `service subnet ${kubernetes.serviceSubnet}`,
      written.kubernetes?.serviceSubnet !== undefined,
      '10.96.0.0/12',
    );
  }

  // Integer bounds once; a sweep in address order finds the ranges that overlap any other, and
  // only those are compared pairwise, so thousands of sites cost n log n.
  const bounds = ranges.map((range) => ({
    start: range.prefix._startAddress(),
    end: range.prefix._endAddress(),
  }));
  const suspects = overlapping(bounds);
  suspects.forEach((j, position) => {
    const later = ranges[j]!;
    const laterBounds = bounds[j]!;
    for (const i of suspects.slice(0, position)) {
      const earlier = ranges[i]!;
      const earlierBounds = bounds[i]!;
      if (earlierBounds.end < laterBounds.start || laterBounds.end < earlierBounds.start) continue;
      const [here, other] = later.written || !earlier.written ? [later, earlier] : [earlier, later];
      findings.push(
        error(
          'prefix-overlap',
          here.path,
          `${here.what} overlaps ${other.what}${other.written ? ` (${where(other.path)})` : ''}`,
          'give every LAN segment, WAN, the tunnel pool and the pod and service subnets address ranges of their own',
        ),
      );
      break;
    }
  });
  return findings;
};

/**
 * The indexes, ascending, of the ranges that overlap at least one other. Sorted by start, a
 * range overlaps an earlier one exactly when it starts before the furthest end seen so far;
 * the range holding that end overlaps it too.
 */
function overlapping(bounds: readonly { start: bigint; end: bigint }[]): number[] {
  const order = bounds.map((_, index) => index);
  order.sort((x, y) => {
    const a = bounds[x]!;
    const b = bounds[y]!;
    if (a.start !== b.start) return a.start < b.start ? -1 : 1;
    return a.end === b.end ? 0 : a.end > b.end ? -1 : 1;
  });
  const marked = new Set<number>();
  let furthest = -1;
  for (const index of order) {
    const range = bounds[index]!;
    if (furthest >= 0 && range.start <= bounds[furthest]!.end) {
      marked.add(index);
      marked.add(furthest);
    }
    if (furthest < 0 || range.end > bounds[furthest]!.end) furthest = index;
  }
  return [...marked].sort((a, b) => a - b);
}
