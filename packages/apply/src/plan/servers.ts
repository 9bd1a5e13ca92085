// Server networking: each server's netplan file, tried with a safety net. apply reaches a server
// at the very address this file sets, so the change reverts by itself unless apply confirms it
// over a fresh SSH connection. The try is geostage's own netplan-try script (templates/): `netplan
// try` needs a terminal or a SIGUSR1 sent on the host to accept, and fails where /sys is
// read-only (its `netplan apply` runs `udevadm trigger`).
import { serverAccess } from './access.ts';
import { type Context, type DraftPhase, gather, generatedUpload, scriptUpload } from './context.ts';
import { shellWord } from './shell.ts';
import { render } from './templates.ts';

/** Where the generated netplan file goes: after cloud-init's 50-cloud-init.yaml, so it wins. */
export const NETPLAN_PATH = '/etc/netplan/60-geostage.yaml';
/** Seconds before an unconfirmed netplan file is replaced by the previous one. */
export const NETPLAN_TRY_SECONDS = 120;
/** geostage's netplan try, uploaded to every server. */
export const NETPLAN_TRY_PATH = '/usr/local/lib/geostage/netplan-try';

export function serverNetworkingPhase(context: Context): DraftPhase {
  const script = render('netplan-try', {});
  const steps = context.model.servers.map((server) => {
    const netplan = generatedUpload(context, 'network', `servers/${server.name}/netplan.yaml`, NETPLAN_PATH);
    const { uploads, problems } = gather([
      scriptUpload('netplan-try', script, NETPLAN_TRY_PATH),
      // netplan-try puts it in place itself, after keeping the previous file.
      { ...netplan, upload: { ...netplan.upload, staged: true } },
    ]);
    const file = shellWord(NETPLAN_PATH);
    return {
      host: server.name,
      role: `server of ${server.site} (${server.roles.join(', ')})`,
      access: serverAccess(context.model, server),
      uploads,
      commands: [
        {
          run: `${NETPLAN_TRY_PATH} --timeout ${NETPLAN_TRY_SECONDS} ${file}`,
          kind: 'netplan-try' as const,
          note: `keeps the previous file, netplan generate (a refused file changes nothing), applies, and puts the previous file back after ${NETPLAN_TRY_SECONDS} s unless confirmed`,
        },
        {
          run: `${NETPLAN_TRY_PATH} --confirm ${file}`,
          kind: 'netplan-confirm' as const,
          note: 'the fresh connection got through at the new address: keep the file',
          newConnection: true,
        },
      ],
      safetyNet: `netplan-try --timeout ${NETPLAN_TRY_SECONDS}: apply reaches the server at the address this file sets`,
      problems,
    };
  });
  return {
    name: 'server-networking',
    summary: 'LAN address, default route through the site router, MTU and DNS on every server',
    parallel: context.parallel,
    notes: [],
    steps,
  };
}
