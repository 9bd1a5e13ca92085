// Source NAT: the site's LANs are masqueraded to the underlay, and traffic to a remote LAN is
// excluded first, so that nothing is ever masqueraded on its way into a tunnel (the far site
// must see the real server address; Kubernetes node addresses depend on it).

import { describeSites } from '../route-names.ts';
import { type Section, type SetCommand, type Step, set, tag } from './command.ts';
import type { RouterContext } from './context.ts';
import type { VyosLine } from './versions.ts';

/** `outbound-interface eth0` (1.2/1.3) or `outbound-interface name eth0` (1.4+). */
const OUTBOUND_INTERFACE: Record<VyosLine, (rule: Step[], name: string) => SetCommand> = {
  '1.2': (rule, name) => set(rule, 'outbound-interface', name),
  '1.3': (rule, name) => set(rule, 'outbound-interface', name),
  '1.4': (rule, name) => set([...rule, 'outbound-interface'], 'name', name),
  '1.5': (rule, name) => set([...rule, 'outbound-interface'], 'name', name),
};

/**
 * Rule numbers: exclusions first (lower numbers match first), then masquerade. VyOS 1.2/1.3
 * allow rules 1-9999, so exclusions have room for 8,900 forwarding entries (a hub of 8,900 spokes).
 */
export const EXCLUDE_FIRST_RULE = 100;
export const MASQUERADE_FIRST_RULE = 9000;

export function natSection(context: RouterContext): Section | null {
  const { router } = context;
  const wan = router.wan.interface;
  const outbound = OUTBOUND_INTERFACE[context.line];
  const commands: SetCommand[] = [];
  router.forwarding.forEach((route, index) => {
    const rule: Step[] = ['nat', 'source', tag('rule', EXCLUDE_FIRST_RULE + index)];
    commands.push(
      set(rule, 'description', `no NAT to ${describeSites(route.sites, route.via)} ${route.prefix}`),
      set([...rule, 'destination'], 'address', route.prefix),
      set(rule, 'exclude'),
      outbound(rule, wan),
    );
  });
  router.masquerade.forEach((prefix, index) => {
    const segment = context.site.segments.find((candidate) => candidate.prefix === prefix);
    const rule: Step[] = ['nat', 'source', tag('rule', MASQUERADE_FIRST_RULE + index)];
    commands.push(
      set(rule, 'description', `masquerade ${segment?.name ?? prefix} to the underlay`),
      outbound(rule, wan),
      set([...rule, 'source'], 'address', prefix),
      set([...rule, 'translation'], 'address', 'masquerade'),
    );
  });
  if (commands.length === 0) return null;
  return {
    comment: [
      'Source NAT',
      `Rules ${EXCLUDE_FIRST_RULE}+ exclude remote LANs; rules ${MASQUERADE_FIRST_RULE}+ masquerade this site's LANs out of ${wan}.`,
    ],
    commands,
  };
}
