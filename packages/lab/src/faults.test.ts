// The pure side of the lab's faults: which OpenVPN ends a fault set stops, the underlay's
// partition ruleset, and the union recorded while one fault set changes into another.
import { join } from 'node:path';
import { loadTopologyFile, resolve } from '@geostage/schema';
import { describe, expect, it } from 'vitest';
import { NO_FAULTS, partitionRuleset, stoppedEnds, unionOfFaults } from './faults.ts';
import type { InventoryRouter } from './inventory.ts';

const root = join(import.meta.dirname, '..', '..', '..');
const model = async (env: string) =>
  resolve((await loadTopologyFile(join(root, 'environments', env, 'topology.yaml'))).topology!);

const router = (
  name: string,
  site: string,
  wan: string,
  natAddress: string | null = null,
): InventoryRouter => ({
  name,
  site,
  namespace: `gs-x-r-${name}`,
  wan,
  natAddress,
  root: '/',
  ssh: null,
  tunnels: [],
});

describe('stoppedEnds', () => {
  it('a down tunnel stops both ends, a stopped router all of its ends, a process one end', async () => {
    const keio = await model('keio-2019');
    expect([...stoppedEnds(keio, { ...NO_FAULTS, tunnels: ['site1--site3'] })].sort()).toEqual([
      'vyos01 site1--site3',
      'vyos03 site1--site3',
    ]);
    expect([...stoppedEnds(keio, { ...NO_FAULTS, routers: ['vyos02'] })].sort()).toEqual([
      'vyos02 site1--site2',
      'vyos02 site2--site3',
    ]);
    expect([
      ...stoppedEnds(keio, { ...NO_FAULTS, processes: [{ router: 'vyos01', tunnel: 'site1--site2' }] }),
    ]).toEqual(['vyos01 site1--site2']);
  });
});

describe('partitionRuleset', () => {
  it('is empty without partitions', () => {
    expect(partitionRuleset(NO_FAULTS, [])).toBe('');
  });

  it('drops (or rejects) both ways between the addresses the underlay sees, bridged and routed', () => {
    const routers = [
      router('a', 'one', '10.0.0.1/24'),
      router('b', 'two', '10.0.0.2/24'),
      router('c', 'three', '172.16.5.2/24', '100.64.0.2'),
    ];
    const ruleset = partitionRuleset(
      { ...NO_FAULTS, partitions: [{ sites: ['one'], from: ['three', 'two'], mode: 'reject' }] },
      routers,
    );
    expect(ruleset).toContain('table bridge geostage-scenario {');
    expect(ruleset).toContain('table ip geostage-scenario {');
    expect(ruleset).toContain(
      'ip saddr { 10.0.0.1 } ip daddr { 10.0.0.2, 172.16.5.2, 100.64.0.2 } reject with icmp type host-unreachable',
    );
    expect(ruleset).toContain(
      'ip saddr { 10.0.0.2, 172.16.5.2, 100.64.0.2 } ip daddr { 10.0.0.1 } reject with icmp type host-unreachable',
    );
  });
});

describe('unionOfFaults', () => {
  it('holds every fault of either set once', () => {
    const a = { ...NO_FAULTS, tunnels: ['x--y'], servers: ['s1'] };
    const b = { ...NO_FAULTS, tunnels: ['x--y', 'y--z'] };
    expect(unionOfFaults(a, b)).toEqual({ ...NO_FAULTS, tunnels: ['x--y', 'y--z'], servers: ['s1'] });
  });
});
