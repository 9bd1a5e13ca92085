// Ethernet interfaces: the WAN on the underlay, the LAN segments (a `vif` per tagged VLAN).
// The syntax is the same on every line; what differs is a rule: from 1.4 an interface address
// must be a host address, which the gateway/prefixLength form always is.
import type { ModelSegment } from '@geostage/schema';
import { type Section, type SetCommand, set, tag } from './command.ts';
import type { RouterContext } from './context.ts';

const DEFAULT_MTU = 1500;

export function wanSection(context: RouterContext): Section {
  const wan = context.router.wan;
  const ethernet = ['interfaces', tag('ethernet', wan.interface)];
  const commands = [
    set(ethernet, 'address', wan.address),
    set(ethernet, 'description', wan.nat ? 'WAN (underlay, behind NAT)' : 'WAN (underlay)'),
  ];
  if (wan.mtu !== DEFAULT_MTU) commands.push(set(ethernet, 'mtu', wan.mtu));
  const comment = [`WAN ${wan.interface}: ${wan.address} on the underlay ${wan.prefix}`];
  if (wan.nat) comment.push('This site sits behind NAT: its tunnels dial out and never wait for a caller.');
  return { comment, commands };
}

function segmentLabel(segment: ModelSegment): string {
  if (segment.vlan === null) return `LAN ${segment.name}`;
  return segment.tagged
    ? `LAN ${segment.name} (VLAN ${segment.vlan})`
    : `LAN ${segment.name} (access VLAN ${segment.vlan})`;
}

export function lanSection(context: RouterContext): Section {
  const commands: SetCommand[] = [];
  const comment = ["LAN segments: the router is every segment's gateway"];
  // Untagged segments share their interface's description, so group them per interface.
  const untagged = new Map<string, ModelSegment[]>();
  const trunks = new Map<string, ModelSegment[]>();
  for (const segment of context.site.segments) {
    const groups = segment.tagged ? trunks : untagged;
    groups.set(segment.interface, [...(groups.get(segment.interface) ?? []), segment]);
  }
  const interfaces = [...new Set(context.site.segments.map((segment) => segment.interface))];
  for (const name of interfaces) {
    const ethernet = ['interfaces', tag('ethernet', name)];
    const plain = untagged.get(name) ?? [];
    const tagged = trunks.get(name) ?? [];
    for (const segment of plain)
      commands.push(set(ethernet, 'address', `${segment.gateway}/${segment.prefixLength}`));
    if (plain.length > 0) {
      commands.push(set(ethernet, 'description', plain.map(segmentLabel).join(', ')));
    } else {
      commands.push(set(ethernet, 'description', `LAN trunk (VLAN ${tagged.map((s) => s.vlan).join(', ')})`));
    }
    const mtu = Math.max(...[...plain, ...tagged].map((segment) => segment.mtu));
    if (mtu !== DEFAULT_MTU) commands.push(set(ethernet, 'mtu', mtu));
    for (const segment of tagged) {
      const vif = [...ethernet, tag('vif', segment.vlan!)];
      commands.push(set(vif, 'address', `${segment.gateway}/${segment.prefixLength}`));
      commands.push(set(vif, 'description', segmentLabel(segment)));
      if (segment.mtu !== DEFAULT_MTU) commands.push(set(vif, 'mtu', segment.mtu));
    }
  }
  for (const segment of context.site.segments) {
    const where = segment.tagged ? `${segment.interface} vif ${segment.vlan}` : segment.interface;
    comment.push(`${segment.name}: ${segment.prefix} on ${where}, gateway ${segment.gateway}`);
  }
  return { comment, commands };
}
