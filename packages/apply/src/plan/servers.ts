// Server networking: each server's netplan file, tried with netplan's own safety net. apply
// reaches a server at the very address this file sets, so `netplan try` reverts the change
// unless apply confirms it over a fresh SSH connection.
import { serverAccess } from './access.ts';
import { type Context, type DraftPhase, gather, generatedUpload } from './context.ts';

/** Where the generated netplan file goes: after cloud-init's 50-cloud-init.yaml, so it wins. */
export const NETPLAN_PATH = '/etc/netplan/60-geostage.yaml';
/** Seconds netplan waits for confirmation before it reverts. */
export const NETPLAN_TRY_SECONDS = 120;

export function serverNetworkingPhase(context: Context): DraftPhase {
  const steps = context.model.servers.map((server) => {
    const { uploads, problems } = gather([
      generatedUpload(context, 'network', `servers/${server.name}/netplan.yaml`, NETPLAN_PATH),
    ]);
    return {
      host: server.name,
      role: `server of ${server.site} (${server.roles.join(', ')})`,
      access: serverAccess(context.model, server),
      uploads,
      commands: [
        { run: 'netplan generate', note: 'refuses a file netplan cannot read, before anything changes' },
        {
          run: `netplan try --timeout ${NETPLAN_TRY_SECONDS}`,
          note: `reverts after ${NETPLAN_TRY_SECONDS} s unless apply, over a fresh SSH connection, accepts it (SIGUSR1 to netplan try)`,
        },
      ],
      safetyNet: `netplan try --timeout ${NETPLAN_TRY_SECONDS}: apply reaches the server at the address this file sets`,
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
