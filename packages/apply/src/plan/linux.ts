// A Linux router's step: its generated files go where gen-vyos's table says (linuxDevicePath),
// then sysctl, nftables (checked before it is loaded), networkd and the tunnel units.
import { linuxDevicePath } from '@geostage/gen-vyos';
import type { ModelRouter } from '@geostage/schema';
import { entryRouter, routerAccess } from './access.ts';
import { type Context, type DraftStep, filesUnder, gather, generatedUpload } from './context.ts';
import type { Command } from './plan.ts';

export function linuxRouterStep(context: Context, router: ModelRouter): DraftStep {
  const folder = `routers/${router.name}/`;
  const paths = filesUnder(context.network, folder);
  const notes: string[] = [];
  const planned = paths.flatMap((path) => {
    const device = linuxDevicePath(path.slice(folder.length));
    if (device === null) {
      notes.push(`network/${path} is not installed on the device`);
      return [];
    }
    return [generatedUpload(context, 'network', path, device)];
  });
  if (paths.length === 0) {
    planned.push(generatedUpload(context, 'network', `${folder}nftables.conf`, '/etc/nftables.conf'));
  }
  const { uploads, problems } = gather(planned);
  const installed = new Set(uploads.map((upload) => upload.to));
  const has = (prefix: string) => [...installed].some((path) => path.startsWith(prefix));

  const commands: Command[] = [];
  const sysctl = linuxDevicePath('sysctl.conf');
  if (sysctl && installed.has(sysctl))
    commands.push({ run: `sysctl -p ${sysctl}`, kind: 'load-sysctl', file: sysctl, note: 'IPv4 forwarding' });
  const nftables = linuxDevicePath('nftables.conf');
  if (nftables && installed.has(nftables)) {
    commands.push(
      {
        run: `nft -c -f ${nftables}`,
        kind: 'check-nftables',
        file: nftables,
        note: 'checks the ruleset before it replaces the running one',
      },
      { run: `nft -f ${nftables}`, kind: 'load-nftables', file: nftables },
      { run: 'systemctl enable nftables.service', kind: 'systemd', note: 'the same ruleset after a reboot' },
    );
  }
  if (has('/etc/systemd/network/')) {
    commands.push(
      { run: 'systemctl enable --now systemd-networkd.service', kind: 'systemd' },
      { run: 'networkctl reload', kind: 'systemd', note: 'LAN gateway addresses and VLAN netdevs' },
    );
  }
  if (has('/etc/systemd/system/')) {
    commands.push(
      { run: 'systemctl daemon-reload', kind: 'systemd' },
      { run: 'systemctl enable geostage-tunnels.target', kind: 'systemd' },
      {
        run: 'systemctl restart geostage-tunnels.target',
        kind: 'restart-tunnels',
        note: 'the tunnel units are PartOf= the target, so each restarts with its new configuration',
      },
    );
  }

  const access = routerAccess(context.model, router);
  const entry = entryRouter(context.model);
  const throughTunnel = access.via === 'vpn';
  if (throughTunnel) {
    notes.push(
      'no automatic revert on a Linux router: a broken tunnel configuration cuts apply off until fixed from the site',
    );
  }
  return {
    host: router.name,
    role: `Linux (${router.release}) router of ${router.site}`,
    access,
    uploads,
    commands,
    after: throughTunnel && entry.name !== router.name ? [entry.name] : [],
    safetyNet: null,
    notes,
    problems,
  };
}
