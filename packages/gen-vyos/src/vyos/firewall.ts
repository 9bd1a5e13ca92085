// The firewall on the WAN: to the router itself, accept replies, ICMP, SSH (apply manages
// the router over it) and this router's OpenVPN ports, and drop the rest; through the router
// from the underlay, accept only replies. Traffic from the LANs and the tunnels is untouched.
// 1.2/1.3 attach named rule-sets to the interface; 1.4+ (nftables) have no per-interface
// attachment, so the input and forward chains jump to the same named rule-sets for packets
// that arrive on the WAN.
import { type Section, type SetCommand, type Step, set, tag } from './command.ts';
import type { RouterContext } from './context.ts';
import type { VyosLine } from './versions.ts';

type Hook = 'local' | 'in';

interface FirewallSyntax {
  /** The path of a named rule-set. */
  ruleset: (name: string) => Step[];
  /** Match established and related connections in a rule. */
  established: (rule: Step[]) => SetCommand[];
  /** Make packets arriving on `wan` go through the rule-set, for the router (local) or through it (in). */
  attach: (wan: string, hook: Hook, ruleset: string) => SetCommand[];
}

const NAMED_PER_INTERFACE: FirewallSyntax = {
  ruleset: (name) => ['firewall', tag('name', name)],
  established: (rule) => [
    set([...rule, 'state'], 'established', 'enable'),
    set([...rule, 'state'], 'related', 'enable'),
  ],
  attach: (wan, hook, ruleset) => [
    set(['interfaces', tag('ethernet', wan), 'firewall', hook], 'name', ruleset),
  ],
};

/** The rule number in the base chains that sends WAN packets to the rule-set. */
const JUMP_RULE = 100;

const NFTABLES_CHAINS: FirewallSyntax = {
  ruleset: (name) => ['firewall', 'ipv4', tag('name', name)],
  // `state` is a multi-valued leaf here: one command per value.
  established: (rule) => [set(rule, 'state', 'established'), set(rule, 'state', 'related')],
  attach: (wan, hook, ruleset) => {
    const rule: Step[] = [
      'firewall',
      'ipv4',
      hook === 'local' ? 'input' : 'forward',
      'filter',
      tag('rule', JUMP_RULE),
    ];
    return [
      set(rule, 'description', `${wan} to ${ruleset}`),
      set(rule, 'action', 'jump'),
      set(rule, 'jump-target', ruleset),
      set([...rule, 'inbound-interface'], 'name', wan),
    ];
  },
};

const FIREWALL: Record<VyosLine, FirewallSyntax> = {
  '1.2': NAMED_PER_INTERFACE,
  '1.3': NAMED_PER_INTERFACE,
  '1.4': NFTABLES_CHAINS,
  '1.5': NFTABLES_CHAINS,
};

export const WAN_LOCAL = 'WAN_LOCAL';
export const WAN_IN = 'WAN_IN';
/** Rule numbers in WAN_LOCAL: replies, ICMP, SSH, then one rule per tunnel from TUNNEL_FIRST_RULE. */
export const TUNNEL_FIRST_RULE = 100;
export const SSH_PORT = 22;

export function firewallSection(context: RouterContext): Section {
  const syntax = FIREWALL[context.line];
  const wan = context.router.wan.interface;
  const commands: SetCommand[] = [];

  const local = syntax.ruleset(WAN_LOCAL);
  commands.push(set(local, 'default-action', 'drop'), set(local, 'description', `${wan} to this router`));
  const replies: Step[] = [...local, tag('rule', 10)];
  commands.push(
    set(replies, 'action', 'accept'),
    set(replies, 'description', 'replies'),
    ...syntax.established(replies),
  );
  const icmp: Step[] = [...local, tag('rule', 20)];
  commands.push(
    set(icmp, 'action', 'accept'),
    set(icmp, 'description', 'ICMP'),
    set(icmp, 'protocol', 'icmp'),
  );
  const ssh: Step[] = [...local, tag('rule', 30)];
  commands.push(
    set(ssh, 'action', 'accept'),
    set(ssh, 'description', 'SSH (geostage apply)'),
    set(ssh, 'protocol', 'tcp'),
    set([...ssh, 'destination'], 'port', SSH_PORT),
  );
  context.tunnels.forEach((tunnel, index) => {
    const rule: Step[] = [...local, tag('rule', TUNNEL_FIRST_RULE + index)];
    commands.push(
      set(rule, 'action', 'accept'),
      set(rule, 'description', `OpenVPN ${tunnel.name}`),
      set(rule, 'protocol', 'udp'),
      set([...rule, 'destination'], 'port', tunnel.local.port),
    );
  });
  commands.push(...syntax.attach(wan, 'local', WAN_LOCAL));

  const through = syntax.ruleset(WAN_IN);
  commands.push(
    set(through, 'default-action', 'drop'),
    set(through, 'description', `${wan} through this router`),
  );
  const forwardReplies: Step[] = [...through, tag('rule', 10)];
  commands.push(
    set(forwardReplies, 'action', 'accept'),
    set(forwardReplies, 'description', 'replies'),
    ...syntax.established(forwardReplies),
  );
  commands.push(...syntax.attach(wan, 'in', WAN_IN));

  const ports = context.tunnels.map((tunnel) => tunnel.local.port).join(', ');
  return {
    comment: [
      `Firewall on the WAN ${wan}`,
      `${WAN_LOCAL}: replies, ICMP, SSH${ports ? ` and OpenVPN (UDP ${ports})` : ''} reach the router; the rest is dropped.`,
      `${WAN_IN}: only replies pass from the underlay to the LANs.`,
    ],
    commands,
  };
}
