// The run tables against the forwarding model itself: for every server pair, following a
// host's runs must give what walking the packet hop by hop with decide() gives (walk() in
// forwarding.ts, which keeps nothing between destinations), in both views, on the committed
// environments and on broken copies of them (a tunnel end gone, a routing loop).
import { describe, expect, it } from 'vitest';
import { parseDevices } from '../read/devices.ts';
import { readGeneratedNetwork } from '../read/files.ts';
import { buildNetwork, checkUnderlay, walk, wanInterfaces } from './forwarding.ts';
import { runMatrix } from './runs.ts';
import { pairTunnels } from './tunnels.ts';

const root = new URL('../../../../', import.meta.url).pathname;

async function network(environment: string, change?: (files: Map<string, string>) => void) {
  const files = await readGeneratedNetwork(`${root}environments/${environment}/generated/network`);
  if (change) {
    const before = new Map(files);
    change(files);
    // A mutation that changes nothing would prove nothing.
    expect([...files].some(([path, text]) => before.get(path) !== text)).toBe(true);
  }
  return files;
}

/** Every server its own group: the run matrix then answers for every server pair. */
function compare(files: Map<string, string>): number {
  const { devices } = parseDevices(files);
  const wan = wanInterfaces(devices);
  let compared = 0;
  for (const withoutTunnels of [true, false]) {
    const tunnels = withoutTunnels ? { tunnels: [], byEnd: new Map() } : pairTunnels(devices);
    const { network } = buildNetwork(devices, tunnels, { withoutTunnels, wanInterfaces: wan });
    if (!withoutTunnels) checkUnderlay(network);
    const servers = devices.filter((device) => device.kind === 'server');
    const groups = servers.map((device) => ({
      members: [
        { device, address: device.interfaces.find((item) => item.addresses[0])!.addresses[0]!.address },
      ],
    }));
    const matrix = runMatrix(network, groups);
    for (const [row, from] of groups.entries()) {
      for (const [column, to] of groups.entries()) {
        if (row === column) continue;
        const runs = matrix.walk(matrix.tables.senders[2 * row]!, matrix.tables.targets[2 * column]!);
        const hops = walk(network, network.byName.get(from.members[0]!.device.name)!, to.members[0]!.address);
        const names = hops.hops.map((hop) => (hop.host === 'underlay' ? 'underlay' : hop.host.name));
        const tunnels = hops.hops.flatMap((hop) => (hop.tunnel ? [hop.tunnel.name] : []));
        expect(runs.reachable).toBe(hops.delivered);
        if (hops.delivered) {
          expect(runs.path).toEqual(names.slice(0, -1));
          expect(runs.tunnels).toEqual(tunnels);
        } else if (hops.failure!.reason === 'loop') {
          // walk() goes round 64 times; the runs stop where the loop closes.
          expect(runs.reason).toBe('loop');
          expect(names.slice(0, runs.path.length)).toEqual(runs.path);
        } else {
          expect([runs.reason, runs.at, runs.detail]).toEqual([
            hops.failure!.reason,
            hops.failure!.at,
            hops.failure!.detail,
          ]);
          expect(runs.path).toEqual(names);
        }
        // The counting view says what the cell says.
        const cell = matrix.cell(row, column)!;
        expect(matrix.fate(row, column)).toBe(cell.reachable ? 'reachable' : cell.reason);
        compared++;
      }
    }
  }
  return compared;
}

describe('run tables: the same way as hop-by-hop forwarding, for every server pair', () => {
  for (const environment of ['keio-2019', 'wide-2012', 'global-hub']) {
    it(environment, async () => {
      expect(compare(await network(environment))).toBeGreaterThan(0);
    });
  }

  it('global-hub with a routing loop (osaka LAN sent into berlin tunnel)', async () => {
    const files = await network('global-hub', (files) => {
      const path = 'routers/hub-tokyo/config.set';
      files.set(path, files.get(path)!.replace('interface vtun2', 'interface vtun3'));
    });
    expect(compare(files)).toBeGreaterThan(0);
  });

  it('keio-2019 with one tunnel end deleted', async () => {
    const files = await network('keio-2019', (files) => {
      const path = 'routers/vyos02/config.set';
      files.set(
        path,
        files
          .get(path)!
          .split('\n')
          .filter((line) => !line.includes('interfaces openvpn vtun1'))
          .join('\n'),
      );
    });
    expect(compare(files)).toBeGreaterThan(0);
  });
});
