// LAN addressing of a Linux router as systemd-networkd files: one .network per LAN interface
// (its untagged segments' gateway addresses, and the VLANs it carries), and a .netdev plus a
// .network per tagged segment. networkd rather than netplan because a router needs VLAN
// netdevs and nothing else, and Debian's router images ship networkd without netplan.
import { generatedHeader, type Model, type ModelSegment, type ModelSite } from '@geostage/schema';
import { render } from './templates.ts';

const DEFAULT_MTU = 1500;

export function vlanInterface(segment: ModelSegment): string {
  return `${segment.interface}.${segment.vlan}`;
}

function describe(segment: ModelSegment): string {
  const vlan =
    segment.vlan === null ? '' : segment.tagged ? `, VLAN ${segment.vlan} tagged` : `, VLAN ${segment.vlan}`;
  return `${segment.name} ${segment.prefix}${vlan}`;
}

const mtuOrFalse = (mtu: number) => (mtu === DEFAULT_MTU ? false : mtu);

export function renderNetworkd(model: Model, site: ModelSite): { path: string; content: string }[] {
  const header = generatedHeader(model.source);
  const router = site.router.name;
  const files: { path: string; content: string }[] = [];
  const interfaces = [...new Set(site.segments.map((segment) => segment.interface))].sort();
  for (const name of interfaces) {
    const segments = site.segments.filter((segment) => segment.interface === name);
    const untagged = segments.filter((segment) => !segment.tagged);
    const tagged = segments.filter((segment) => segment.tagged);
    files.push({
      path: `network/10-geostage-${name}.network`,
      content: render('lan.network', {
        header,
        router,
        interface: name,
        description: segments.map(describe).join('; '),
        // The parent carries the largest MTU of the VLANs on it: a VLAN cannot exceed its parent.
        mtu: mtuOrFalse(Math.max(...segments.map((segment) => segment.mtu))),
        addresses: untagged.map((segment) => `${segment.gateway}/${segment.prefixLength}`),
        vlans: tagged.map(vlanInterface),
      }),
    });
    for (const segment of tagged) {
      const vlanName = vlanInterface(segment);
      files.push({
        path: `network/10-geostage-${vlanName}.netdev`,
        content: render('vlan.netdev', {
          header,
          router,
          name: vlanName,
          parent: name,
          segment: segment.name,
          vlan: segment.vlan,
          mtu: mtuOrFalse(segment.mtu),
        }),
      });
      files.push({
        path: `network/10-geostage-${vlanName}.network`,
        content: render('lan.network', {
          header,
          router,
          interface: vlanName,
          description: describe(segment),
          mtu: mtuOrFalse(segment.mtu),
          addresses: [`${segment.gateway}/${segment.prefixLength}`],
          vlans: [],
        }),
      });
    }
  }
  return files;
}
