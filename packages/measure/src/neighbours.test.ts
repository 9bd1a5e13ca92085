import { describe, expect, it } from 'vitest';
import { overflowWarning, tableFulls } from './neighbours.ts';

// /proc/net/stat/arp_cache as Linux 6.18 prints it: a header, then one row per CPU in hex.
const STATISTICS = `entries  allocs   destroys hash_grows lookups  hits     res_failed rcv_probes_mcast rcv_probes_ucast periodic_gc_runs forced_gc_runs unresolved_discards table_fulls
00000245 00000412 00000227 00000004   00001c67 00000cca 00000004   00000000         00000000         00000048         00000385       00000000            000002d5
00000245 000002d2 00000278 00000004   00001547 00000941 00000000   00000000         00000000         00000000         00000258       00000000            00000214
`;

describe('the neighbour table while verify measures', () => {
  it('sums table_fulls over the CPUs', () => {
    expect(tableFulls(STATISTICS)).toBe(0x2d5 + 0x214);
    expect(tableFulls('entries allocs\n1 2\n')).toBeNull();
  });
  it('says how often it was full, that it is shared, and the command that raises it', () => {
    const warning = overflowWarning(3, 1024);
    expect(warning).toContain('full 3 times');
    expect(warning).toContain('gc_thresh3 = 1024, one table for every namespace');
    expect(warning).toContain(
      'sysctl -w net.ipv4.neigh.default.gc_thresh3=4096 net.ipv4.neigh.default.gc_thresh2=2048',
    );
  });
});
