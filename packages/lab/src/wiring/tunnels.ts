// One openvpn per tunnel end, started last (machines/bare.ts), with the generated config from
// the router's installed folder; it daemonizes and writes its pid file.
import { OPENVPN_DIR } from '@geostage/gen-vyos';
import type { Model, ModelRouter } from '@geostage/schema';
import { inside } from './commands.ts';
import { routerRoot } from './router.ts';
import type { WiringDraft } from './wiring.ts';

export function tunnelProcesses(
  draft: WiringDraft,
  model: Model,
  router: ModelRouter,
  routerNs: string,
): void {
  const root = `${draft.folder}/${routerRoot(router.name)}`;
  for (const tunnel of model.tunnels) {
    const end =
      tunnel.a.router === router.name ? tunnel.a : tunnel.b.router === router.name ? tunnel.b : null;
    if (!end) continue;
    const log = `logs/${router.name}-${end.interface}.log`;
    const pidFile = `run/${router.name}-${end.interface}.pid`;
    draft.tunnels.push({
      router: router.name,
      namespace: routerNs,
      interface: end.interface,
      tunnel: tunnel.name,
      log,
      pidFile,
      command: inside(
        routerNs,
        'openvpn',
        '--cd',
        `${root}${OPENVPN_DIR}`,
        '--config',
        `${end.interface}.conf`,
        '--daemon',
        '--log',
        `${draft.folder}/${log}`,
        '--writepid',
        `${draft.folder}/${pidFile}`,
      ),
    });
  }
}
