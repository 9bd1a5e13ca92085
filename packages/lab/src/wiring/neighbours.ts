// The neighbours on a site switch's bridge, as permanent entries in each end's namespace.
// Linux keeps one IPv4 neighbour (ARP) table for every namespace on the machine, 1,024 entries
// by default (net.ipv4.neigh.default.gc_thresh3) and an entry confirmed in the last ~30 s cannot
// be collected: a lab of 50 sites x 4 servers needs ~1,100, so a verify that probes each site's
// own pairs within half a minute overflowed it ("neighbor table overflow!") and lost pairs that
// reach rightly said were reachable. Permanent entries are not counted against that limit, and
// each is exactly what ARP would have answered: the other end's address on this end's subnet.
import { addressToInteger, contains, parsePrefix } from '@geostage/schema';
import { ip } from './commands.ts';
import type { LanEnd } from './router.ts';

const isIpv4 = (address: string) => !address.includes(':');

/** `ip neigh replace ... nud permanent` in every end for each other end's address on its subnets. */
export function neighbourCommands(ends: readonly LanEnd[]): string[][] {
  const commands: string[][] = [];
  for (const end of ends) {
    const subnets = end.addresses.filter(isIpv4).map(parsePrefix);
    for (const other of ends) {
      if (other === end) continue;
      for (const address of other.addresses.filter(isIpv4)) {
        const host = address.split('/')[0]!;
        if (!subnets.some((subnet) => contains(subnet, addressToInteger(host)))) continue;
        commands.push(
          ip(
            end.namespace,
            'neigh',
            'replace',
            host,
            'lladdr',
            other.mac,
            'dev',
            end.interface,
            'nud',
            'permanent',
          ),
        );
      }
    }
  }
  return commands;
}
