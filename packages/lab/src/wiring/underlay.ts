// The underlay: one namespace with one bridge for every WAN, the WAN gateways as its addresses,
// forwarding between them (the internet, as far as the routers can tell), no redirects.
import type { Model } from '@geostage/schema';
import { inside, ip, lengthOf } from './commands.ts';
import type { WiringDraft, WiringGroup } from './wiring.ts';

export function underlayGroup(draft: WiringDraft, model: Model, underlay: string): WiringGroup {
  const commands = [
    ip(underlay, 'link', 'add', 'br0', 'type', 'bridge'),
    ip(underlay, 'link', 'set', 'br0', 'up'),
    inside(
      underlay,
      'sysctl',
      '-q',
      '-w',
      'net.ipv4.ip_forward=1',
      'net.ipv4.conf.all.send_redirects=0',
      'net.ipv4.conf.default.send_redirects=0',
    ),
  ];
  const gateways = new Set<string>();
  const wanHosts = new Set(model.sites.map((site) => site.router.wan.host));
  for (const site of model.sites) {
    const wan = site.router.wan;
    if (wan.nat || !wan.gateway) continue;
    if (wanHosts.has(wan.gateway)) {
      draft.errors.push(`${site.router.name}: WAN gateway ${wan.gateway} is another router's WAN address`);
      continue;
    }
    gateways.add(`${wan.gateway}/${lengthOf(wan.address)}`);
  }
  const sorted = [...gateways].sort();
  for (const gateway of sorted) commands.push(ip(underlay, 'addr', 'add', gateway, 'dev', 'br0'));
  return {
    title: `underlay ${underlay}: bridge br0${gateways.size ? `, gateways ${sorted.join(', ')}` : ''}`,
    commands,
  };
}
