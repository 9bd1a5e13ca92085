// What the lab publishes, without root: every router with its root, SSH access and tunnels, and
// every server, so apply and verify never wire the lab again.
import { join } from 'node:path';
import { loadTopologyFile, resolve } from '@geostage/schema';
import { describe, expect, it } from 'vitest';
import { labInventory } from './inventory.ts';
import { wiringFor } from './testing.ts';

const root = join(import.meta.dirname, '..', '..', '..');
const folder = '/somewhere/environments/global-hub/.lab';

describe('labInventory', () => {
  it('publishes each router root, how to reach it, and its tunnels with absolute pid files', async () => {
    const source = 'environments/global-hub/topology.yaml';
    const { topology } = await loadTopologyFile(join(root, source));
    const { wiring } = wiringFor(resolve(topology!, source), folder);
    const access = {
      namespace: `${wiring.prefix}o`,
      addresses: [],
      user: 'root',
      identity: 'ssh/operator',
      sshd: wiring.routers.map((router) => ({
        router: router.name,
        namespace: router.namespace,
        address: router.wan.split('/')[0]!,
        config: '',
        hostKey: '',
        pidFile: '',
        log: '',
        pid: 1,
      })),
    };
    const inventory = labInventory(
      wiring,
      folder,
      access,
      new Map([
        ['hub-tokyo', 'ssh-ed25519 AAAA hub'],
        ['rt-campus', 'ssh-ed25519 AAAA campus'],
      ]),
    );
    const tokyo = inventory.routers.find((router) => router.name === 'hub-tokyo')!;
    expect(tokyo.root).toBe(`${folder}/routers/hub-tokyo`);
    expect(tokyo.ssh).toEqual({
      from: `${wiring.prefix}o`,
      address: '198.51.100.10',
      port: 22,
      user: 'root',
      identity: `${folder}/ssh/operator`,
      hostKey: 'ssh-ed25519 AAAA hub',
      via: null,
    });
    expect(tokyo.tunnels.length).toBeGreaterThan(0);
    for (const tunnel of tokyo.tunnels) expect(tunnel.pidFile.startsWith(`${folder}/run/`)).toBe(true);
    // Behind NAT: reached from the hub's namespace at the spoke's end of the hub's tunnel.
    const campus = inventory.routers.find((router) => router.name === 'rt-campus')!.ssh!;
    expect(campus.via).toBe('hub-tokyo');
    expect(campus.from).toBe(`${wiring.prefix}r-hub-tokyo`);
    expect(campus.address).toMatch(/^10\.255\.0\.\d+$/);
    // A router whose host key is not known is published without SSH access.
    expect(inventory.routers.find((router) => router.name === 'rt-berlin')!.ssh).toBeNull();
    expect(inventory.servers).toEqual(wiring.servers);
  });
});
