// The NAT in front of a site with wan.nat: a namespace at the router's WAN gateway that
// masquerades to the underlay and drops every connection that starts outside.
import { integerToAddress, type Model, type ModelSite, overlaps, parsePrefix } from '@geostage/schema';
import { inside, ip, lengthOf, veth } from './commands.ts';
import type { WiringDraft } from './wiring.ts';

/** The port a NATed site's NAT forwards to its router's sshd (booted machines). */
export const NAT_SSH_PORT = 2222;

// The NAT's own address on the underlay: 100.64.0.0/10 is the shared address space of carrier
// NAT (RFC 6598); one /30 per NATed site, skipping anything the topology uses.
const NAT_SPACE = parsePrefix('100.64.0.0/10');

/**
 * The NAT's ruleset. `sshTo` (booted machines): the one connection the underlay may start, a
 * port forward from the NAT's port NAT_SSH_PORT to the router's sshd, as a site admin sets up
 * so that the router can be reached for its first configuration.
 */
export function natRuleset(sshTo: string | null): string {
  const admitted = sshTo ? `\t\tiifname "wan" ct status dnat ip daddr ${sshTo} tcp dport 22 accept\n` : '';
  const forward = sshTo
    ? `
	chain prerouting {
		type nat hook prerouting priority dstnat; policy accept;
		iifname "wan" tcp dport ${NAT_SSH_PORT} dnat to ${sshTo}:22
	}
`
    : '';
  return `#!/usr/sbin/nft -f
# geostage lab: the NAT in front of a site. Everything the site sends to the underlay leaves
# from this namespace's address; nothing the underlay starts gets in${sshTo ? ` but SSH to the router (port ${NAT_SSH_PORT})` : ''}.
flush ruleset

table ip geostage-nat {
	chain forward {
		type filter hook forward priority filter; policy accept;
		iifname "wan" ct state established,related accept
${admitted}		iifname "wan" drop
	}
${forward}
	chain postrouting {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "wan" masquerade
	}
}
`;
}

export interface NatAddresses {
  /** The underlay's end of the /30. */
  underlay: string;
  /** The NAT's end: the address the underlay sees the site's router as. */
  nat: string;
}

/** One /30 per NATed site, or why there is none. */
export function natAddresses(model: Model, count: number): NatAddresses[] | string {
  const used = [
    ...model.sites.flatMap((site) => [site.router.wan.prefix, ...site.segments.map((s) => s.prefix)]),
    model.vpn.pool,
  ].map(parsePrefix);
  const found: NatAddresses[] = [];
  const end = NAT_SPACE.network + 2 ** (32 - NAT_SPACE.length);
  for (let network = NAT_SPACE.network; network < end && found.length < count; network += 4) {
    if (used.some((prefix) => overlaps(prefix, { network, length: 30 }))) continue;
    found.push({ underlay: integerToAddress(network + 1), nat: integerToAddress(network + 2) });
  }
  return found.length === count ? found : 'no free /30 in 100.64.0.0/10 for the NAT namespaces';
}

/** The NAT namespace, its ruleset file and its commands; false when the site cannot have one. */
export function natWiring(
  draft: WiringDraft,
  site: ModelSite,
  addresses: NatAddresses,
  routerNs: string,
  underlay: string,
): boolean {
  const wan = site.router.wan;
  if (!wan.gateway) {
    draft.errors.push(
      `${site.router.name}: behind NAT without wan.gateway; the lab puts the NAT at the gateway address`,
    );
    return false;
  }
  const natNs = draft.add('nat', site.name);
  const ruleset = `nat/${site.name}.nft`;
  const sshTo = draft.provision === 'installer' ? site.router.wan.host : null;
  draft.files.push({ path: ruleset, content: natRuleset(sshTo), mode: 0o644 });
  draft.groups.push({
    title: `${site.name}: NAT ${natNs} at ${wan.gateway}, seen on the underlay as ${addresses.nat}`,
    commands: [
      ...veth(natNs, 'lan', routerNs, wan.interface, wan.mtu),
      ip(natNs, 'addr', 'add', `${wan.gateway}/${lengthOf(wan.address)}`, 'dev', 'lan'),
      ...veth(natNs, 'wan', underlay, `n${site.id}`, wan.mtu),
      ip(underlay, 'addr', 'add', `${addresses.underlay}/30`, 'dev', `n${site.id}`),
      ip(natNs, 'addr', 'add', `${addresses.nat}/30`, 'dev', 'wan'),
      ip(natNs, 'route', 'add', 'default', 'via', addresses.underlay),
      inside(natNs, 'sysctl', '-q', '-w', 'net.ipv4.ip_forward=1'),
      inside(natNs, 'nft', '-f', `${draft.folder}/${ruleset}`),
    ],
  });
  return true;
}
