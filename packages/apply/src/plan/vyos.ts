// A VyOS router's step: upload the generated set commands and load them with a vbash script
// (the script-template way, /work/shared/vyos-cli/README.md) under commit-confirm, then
// confirm and save over a fresh SSH connection. Every VyOS change gets the safety net: the
// set commands install the WAN firewall that admits apply's own SSH session, and a router
// behind NAT is reached through the very tunnel it configures.
import type { ModelRouter } from '@geostage/schema';
import { entryRouter, routerAccess } from './access.ts';
import {
  type Context,
  type DraftStep,
  gather,
  generatedUpload,
  type PlannedUpload,
  publicUpload,
  scriptUpload,
  secretUpload,
} from './context.ts';
import { shellWord } from './shell.ts';
import { render } from './templates.ts';

/** Where apply keeps what it uploads to a VyOS router (/config survives reboots and upgrades). */
export const VYOS_DIR = '/config/geostage';
/** Minutes VyOS waits for `confirm` before it reverts a commit. */
export const CONFIRM_MINUTES = 10;
/** Files VyOS 1.2/1.3 name by path in the set commands (static keys, certificates, DH). */
const AUTH_FILE = /\/config\/auth\/([A-Za-z0-9._-]+)/g;

/**
 * The files of /config/auth/ that the set commands name. A `.key` is private (the static key of
 * a tunnel or the router's TLS key, under secrets/openvpn/); anything else (certificates, DH
 * parameters) is a public half under public/.
 */
function authUploads(context: Context, setCommands: string): PlannedUpload[] {
  const names = [...new Set([...setCommands.matchAll(AUTH_FILE)].map((match) => match[1]!))].sort();
  return names.map((name) =>
    name.endsWith('.key')
      ? secretUpload(`openvpn/${name}`, `/config/auth/${name}`)
      : publicUpload(context, name, `/config/auth/${name}`),
  );
}

export function vyosRouterStep(context: Context, router: ModelRouter): DraftStep {
  const setPath = `routers/${router.name}/config.set`;
  const setScript = `${VYOS_DIR}/config.set`;
  const commit = `${VYOS_DIR}/commit.vbash`;
  const confirm = `${VYOS_DIR}/confirm.vbash`;
  const content = context.network.get(setPath)?.content ?? '';
  const { uploads, problems } = gather([
    ...authUploads(context, content),
    generatedUpload(context, 'network', setPath, setScript),
    scriptUpload(
      'commit.vbash',
      render('commit.vbash', { router: router.name, setScript, path: commit, minutes: CONFIRM_MINUTES }),
      commit,
    ),
    scriptUpload('confirm.vbash', render('confirm.vbash', { router: router.name, path: confirm }), confirm),
  ]);
  const access = routerAccess(context.model, router);
  const entry = entryRouter(context.model);
  const throughTunnel = access.via === 'vpn';
  return {
    host: router.name,
    role: `VyOS ${router.release} router of ${router.site}`,
    access,
    uploads,
    commands: [
      {
        run: `sg vyattacfg -c ${shellWord(`/bin/vbash ${commit}`)}`,
        kind: 'vyos-commit',
        note: `configure, set commands, commit-confirm ${CONFIRM_MINUTES}; fails on "Set failed" or "Commit failed" in the output`,
      },
      {
        run: `sg vyattacfg -c ${shellWord(`/bin/vbash ${confirm}`)}`,
        kind: 'vyos-confirm',
        note: 'confirm and save: the fresh connection proved the router is still reachable',
        newConnection: true,
      },
    ],
    after: throughTunnel && entry.name !== router.name ? [entry.name] : [],
    safetyNet: throughTunnel
      ? `commit-confirm ${CONFIRM_MINUTES}: apply comes in through the tunnel this change configures; VyOS reverts unless confirmed`
      : `commit-confirm ${CONFIRM_MINUTES}: the change installs the WAN firewall in front of this SSH session; VyOS reverts unless confirmed`,
    notes: [
      'set commands merge into the running configuration: a setting removed from the topology stays until removed by hand',
      'config.boot is not uploaded: loading it would replace the login users and SSH keys it does not hold',
    ],
    problems,
  };
}
