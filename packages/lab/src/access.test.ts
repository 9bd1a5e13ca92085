// How apply gets into the lab, without root: the operator's addresses, and each router's sshd.
import { join } from 'node:path';
import { loadTopologyFile, resolve } from '@geostage/schema';
import { describe, expect, it } from 'vitest';
import { planAccess, sshdConfig } from './access.ts';
import { wiringFor as wiringOf } from './testing.ts';

const root = join(import.meta.dirname, '..', '..', '..');
const folder = '/somewhere/environments/x/.lab';

async function wiringFor(environment: string) {
  const source = `environments/${environment}/topology.yaml`;
  const { topology } = await loadTopologyFile(join(root, source));
  return wiringOf(resolve(topology!, source), folder);
}

describe('planAccess', () => {
  it('puts the operator on every WAN prefix at its highest free address, and an sshd on each WAN address', async () => {
    const { wiring: lab, model } = await wiringFor('global-hub');
    const gateways = new Map(model.sites.map((site) => [site.router.name, site.router.wan.gateway ?? null]));
    const planned = planAccess(
      lab.prefix,
      lab.routers.map((router) => ({ ...router, gateway: gateways.get(router.name) ?? null })),
    );
    if (!planned.ok) throw new Error(planned.error);
    expect(planned.access.namespace).toBe(`${lab.prefix}o`);
    expect(planned.access.addresses).toEqual(['198.51.100.254/24', '203.0.113.254/24', '192.0.2.254/24']);
    for (const command of planned.access.group.commands)
      expect([`${lab.prefix}u`, `${lab.prefix}o`]).toContain(command[2]);
    const tokyo = planned.access.sshd.find((sshd) => sshd.router === 'hub-tokyo')!;
    const config = sshdConfig(tokyo, folder, planned.access.authorizedKeys);
    expect(config).toContain('ListenAddress 198.51.100.10\n');
    expect(config).toContain(`HostKey ${folder}/ssh/hub-tokyo/host_key\n`);
    expect(config).toContain('PasswordAuthentication no\n');
  });
});
