// Static routes: the default route to the underlay gateway and every remote LAN into its
// tunnel. An interface route needs no next-hop address, so it survives a tunnel restart.

import { describeSites } from '../route-names.ts';
import { type Section, type SetCommand, set, tag } from './command.ts';
import type { RouterContext } from './context.ts';
import type { VyosLine } from './versions.ts';

/** A route to `prefix` out of a tunnel interface. */
const TUNNEL_ROUTE: Record<VyosLine, (prefix: string, vtun: string) => SetCommand> = {
  '1.2': (prefix, vtun) =>
    set(['protocols', 'static', tag('interface-route', prefix), tag('next-hop-interface', vtun)]),
  '1.3': (prefix, vtun) =>
    set(['protocols', 'static', tag('interface-route', prefix), tag('next-hop-interface', vtun)]),
  '1.4': (prefix, vtun) => set(['protocols', 'static', tag('route', prefix), tag('interface', vtun)]),
  '1.5': (prefix, vtun) => set(['protocols', 'static', tag('route', prefix), tag('interface', vtun)]),
};

export function routeSection(context: RouterContext): Section | null {
  const { router } = context;
  const commands: SetCommand[] = [];
  const comment = ['Static routes'];
  if (router.wan.gateway !== null) {
    comment.push(`0.0.0.0/0 via the underlay gateway ${router.wan.gateway}`);
    commands.push(
      set(['protocols', 'static', tag('route', '0.0.0.0/0'), tag('next-hop', router.wan.gateway)]),
    );
  }
  for (const route of router.forwarding) {
    comment.push(`${route.prefix} (${describeSites(route.sites, route.via)}) into ${route.interface}`);
    commands.push(TUNNEL_ROUTE[context.line](route.prefix, route.interface));
  }
  return commands.length === 0 ? null : { comment, commands };
}
