// TCP MSS clamping on the tunnels, so that TCP segments fit the tunnel MTU without relying on
// path MTU discovery across the underlay (ICMP is often filtered there).
import { type Section, type SetCommand, set, tag } from './command.ts';
import type { RouterContext } from './context.ts';
import type { VyosLine } from './versions.ts';

/** 1.2/1.3 clamp in `firewall options`; 1.4+ on the interface itself. */
const CLAMP: Record<VyosLine, (vtun: string, mss: number) => SetCommand> = {
  '1.2': (vtun, mss) => set(['firewall', 'options', tag('interface', vtun)], 'adjust-mss', mss),
  '1.3': (vtun, mss) => set(['firewall', 'options', tag('interface', vtun)], 'adjust-mss', mss),
  '1.4': (vtun, mss) => set(['interfaces', tag('openvpn', vtun), 'ip'], 'adjust-mss', mss),
  '1.5': (vtun, mss) => set(['interfaces', tag('openvpn', vtun), 'ip'], 'adjust-mss', mss),
};

export function mssSection(context: RouterContext): Section | null {
  const mss = context.router.mssClamp;
  if (mss === null || context.tunnels.length === 0) return null;
  return {
    comment: [
      'TCP MSS clamping',
      `MSS ${mss} = tunnel MTU ${context.model.mtu.tunnel} - 40 (IPv4 and TCP headers).`,
    ],
    commands: context.tunnels.map((tunnel) => CLAMP[context.line](tunnel.local.interface, mss)),
  };
}
