// The plan as the lab executes it, without root: a lab router shares this machine's file
// system, so nothing apply uploads or runs there may name a path outside the lab folder.
import { join } from 'node:path';
import { generateLinuxRouters } from '@geostage/gen-vyos';
import { labInventory, wiringFor } from '@geostage/lab';
import { loadTopologyFile, resolve } from '@geostage/schema';
import { describe, expect, it } from 'vitest';
import { buildPlan, PHASE_NAMES } from '../plan/index.ts';
import { LAB_PHASES, labActions } from './lab.ts';

const root = join(import.meta.dirname, '..', '..', '..', '..');
const folder = '/somewhere/environments/x/.lab';

async function inputFor(environment: string) {
  const source = `environments/${environment}/topology.yaml`;
  const { topology } = await loadTopologyFile(join(root, source));
  const { model, wiring } = wiringFor(resolve(topology!, source), folder);
  const network = generateLinuxRouters(model).files;
  const plan = buildPlan({ model, network, cluster: [] });
  return { plan, network, inventory: labInventory(wiring, folder, null, new Map()) };
}

describe('labActions', () => {
  it('keeps every upload and every path a command names inside the lab folder', async () => {
    for (const environment of ['keio-2019', 'global-hub']) {
      const input = await inputFor(environment);
      for (const phase of LAB_PHASES) {
        const translated = labActions(phase, input);
        if (!translated.ok) throw new Error(translated.reason);
        for (const host of translated.hosts) {
          for (const action of host.actions) {
            if (action.kind === 'upload')
              expect(action.to.startsWith(`${folder}/routers/${host.host}/`)).toBe(true);
            const text = action.kind === 'upload' ? action.to : action.command;
            expect(text.replaceAll(folder, '<lab>')).not.toMatch(/(^|[\s'])\/(etc|config|run|var)\//);
            expect(text).not.toMatch(/systemctl|networkctl/);
          }
        }
      }
    }
  });

  it('turns the keio-2019 routers phase into folders, uploads, sysctl, nft and openvpn restarts', async () => {
    const translated = labActions('routers', await inputFor('keio-2019'));
    if (!translated.ok) throw new Error(translated.reason);
    const vyos01 = translated.hosts.find((host) => host.host === 'vyos01')!;
    expect(vyos01.address).toBe('10.4.0.90');
    expect(vyos01.unreachable).toBeNull();
    expect(vyos01.actions.map((action) => action.label.replaceAll(`${folder}/routers/vyos01`, ''))).toEqual([
      expect.stringMatching(/^mkdir -p -m 0700 /),
      'upload /etc/nftables.conf (0644)',
      'upload /etc/openvpn/geostage/site1--site2.key (0600)',
      'upload /etc/openvpn/geostage/site1--site3.key (0600)',
      'upload /etc/openvpn/geostage/vtun2.conf (0644)',
      'upload /etc/openvpn/geostage/vtun3.conf (0644)',
      'upload /etc/sysctl.d/90-geostage.conf (0644)',
      'sysctl -p /etc/sysctl.d/90-geostage.conf',
      'nft -c -f /etc/nftables.conf',
      'nft -f /etc/nftables.conf',
      'restart openvpn vtun2 (site1--site2) with the uploaded configuration',
      'restart openvpn vtun3 (site1--site3) with the uploaded configuration',
    ]);
    expect(vyos01.skipped).toContain('networkctl reload: no systemd in a namespace (lab up did its part)');
    // Step ids are stable for the same input and unique per host.
    const ids = vyos01.actions.map((action) => action.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('runs nft and the openvpn restarts again when only a file they act on changed', async () => {
    const input = await inputFor('keio-2019');
    const changed = {
      ...input,
      network: input.network.map((file) =>
        file.path === 'routers/vyos01/openvpn/vtun2.conf'
          ? { ...file, content: file.content.replace(/^lport (\d+)$/m, 'lport 1') }
          : file,
      ),
    };
    const ids = (one: typeof input) => {
      const translated = labActions('routers', one);
      if (!translated.ok) throw new Error(translated.reason);
      const host = translated.hosts.find((entry) => entry.host === 'vyos01')!;
      return new Map(host.actions.map((action) => [action.label, action.id]));
    };
    const before = ids(input);
    const after = ids(changed);
    const restart = 'restart openvpn vtun2 (site1--site2) with the uploaded configuration';
    expect(after.get(restart)).toBeDefined();
    expect(after.get(restart)).not.toBe(before.get(restart));
    expect(after.get('nft -f /somewhere/environments/x/.lab/routers/vyos01/etc/nftables.conf')).not.toBe(
      before.get('nft -f /somewhere/environments/x/.lab/routers/vyos01/etc/nftables.conf'),
    );
    expect(ids(input)).toEqual(before);
  });

  it('marks a router behind NAT as not reachable, and says why the other phases cannot run', async () => {
    const input = await inputFor('global-hub');
    const translated = labActions('routers', input);
    if (!translated.ok) throw new Error(translated.reason);
    expect(translated.hosts.find((host) => host.host === 'rt-campus')?.unreachable).toMatch(/^behind NAT/);
    for (const phase of PHASE_NAMES.filter((name) => !LAB_PHASES.includes(name))) {
      const refused = labActions(phase, input);
      expect(refused.ok).toBe(false);
    }
  });
});
