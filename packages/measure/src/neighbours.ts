// The kernel's IPv4 neighbour (ARP) table while verify measures. Linux keeps one for every
// namespace on the machine, net.ipv4.neigh.default.gc_thresh3 entries at most (1,024 by
// default); when it is full a new neighbour cannot be resolved and the probe is lost, which
// looks exactly like a pair the network does not carry. /proc/net/stat/arp_cache counts each
// time it was full (table_fulls, one row per CPU, in hex): verify says so when it grew.
import { readFile } from 'node:fs/promises';

const STATISTICS = '/proc/net/stat/arp_cache';
const LIMIT = '/proc/sys/net/ipv4/neigh/default/gc_thresh3';

/** The table_fulls of /proc/net/stat/arp_cache, summed over its rows; null when it has no such column. */
export function tableFulls(text: string): number | null {
  const [header, ...rows] = text.trim().split('\n');
  const column = header?.trim().split(/\s+/).indexOf('table_fulls') ?? -1;
  if (column < 0) return null;
  return rows.reduce((sum, row) => sum + Number.parseInt(row.trim().split(/\s+/)[column] ?? '0', 16), 0);
}

/** What verify says when the table was full `times` while it measured. */
export function overflowWarning(times: number, limit: number | null): string {
  const size = limit ?? 1024;
  return `the kernel's IPv4 neighbour table was full ${times} time${times === 1 ? '' : 's'} while verify measured (net.ipv4.neigh.default.gc_thresh3 = ${size}, one table for every namespace on this machine): a pair measured unreachable may be that, not the network; raise it with: sysctl -w net.ipv4.neigh.default.gc_thresh3=${size * 4} net.ipv4.neigh.default.gc_thresh2=${size * 2}`;
}

/** How many times the table has been full since boot, and its limit; nulls where /proc does not say. */
export async function neighbourTable(): Promise<{ fulls: number | null; limit: number | null }> {
  const [statistics, limit] = await Promise.all([
    readFile(STATISTICS, 'utf8').catch(() => ''),
    readFile(LIMIT, 'utf8').catch(() => ''),
  ]);
  const parsed = Number.parseInt(limit, 10);
  return { fulls: tableFulls(statistics), limit: Number.isInteger(parsed) ? parsed : null };
}
