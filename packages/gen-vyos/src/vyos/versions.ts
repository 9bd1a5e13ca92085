// The VyOS release lines gen-vyos writes for, and what config.boot must end with on each.
// Differences in syntax live beside each concern, one small table per file (interfaces.ts,
// openvpn.ts, pki.ts, routes.ts, nat.ts, firewall.ts, mss.ts); this file holds only the list
// of lines and the config.boot version footer.

export const VYOS_LINES = ['1.2', '1.3', '1.4', '1.5'] as const;
export type VyosLine = (typeof VYOS_LINES)[number];

export function isVyosLine(release: string): release is VyosLine {
  return (VYOS_LINES as readonly string[]).includes(release);
}

interface Footer {
  /** 1.2 writes vyatta-style C comments; 1.3+ writes `//` lines. */
  style: 'vyatta' | 'vyos';
  /** Component config versions: tell the loader which migration scripts are already done. */
  components: string;
  /** Informational only; the loader reads the component versions. */
  release: string;
}

// Component versions of each line's branch head, as recorded in the vendored CLI trees
// (test-data/vyos/vyos-<line>.json, meta). Without them VyOS runs every migration on load.
const FOOTERS: Record<VyosLine, Footer> = {
  '1.2': {
    style: 'vyatta',
    components:
      'broadcast-relay@1:cluster@1:config-management@1:conntrack-sync@1:conntrack@1:dhcp-relay@2:dhcp-server@5:dns-forwarding@1:firewall@5:ipsec@5:l2tp@1:mdns@1:nat@4:ntp@1:pppoe-server@2:pptp@1:qos@1:quagga@7:snmp@1:ssh@1:system@10:vrrp@2:wanloadbalance@3:webproxy@1:webproxy@2:zone-policy@1',
    release: '1.2.9',
  },
  '1.3': {
    style: 'vyos',
    components:
      'broadcast-relay@1:cluster@1:config-management@1:conntrack@3:conntrack-sync@2:container@1:dhcp-relay@2:dhcp-server@6:dhcpv6-server@1:dns-forwarding@3:firewall@5:https@2:interfaces@23:ipoe-server@1:ipsec@5:isis@1:l2tp@3:lldp@1:mdns@1:nat@5:ntp@1:pppoe-server@5:pptp@2:qos@1:quagga@8:rpki@1:salt@1:snmp@2:ssh@2:sstp@3:system@21:vrrp@2:vyos-accel-ppp@2:wanloadbalance@3:webproxy@2:zone-policy@1',
    release: '1.3.8',
  },
  '1.4': {
    style: 'vyos',
    components:
      'bgp@5:broadcast-relay@1:cluster@2:config-management@1:conntrack@5:conntrack-sync@2:container@2:dhcp-relay@2:dhcp-server@8:dhcpv6-server@1:dns-dynamic@4:dns-forwarding@4:firewall@15:flow-accounting@1:https@6:ids@1:interfaces@32:ipoe-server@3:ipsec@13:isis@3:l2tp@9:lldp@2:mdns@1:monitoring@1:nat@8:nat66@3:ntp@3:openconnect@3:ospf@2:pim@1:policy@8:pppoe-server@10:pptp@5:qos@2:quagga@11:reverse-proxy@1:rip@1:rpki@2:salt@1:snmp@3:ssh@2:sstp@6:system@27:vrf@3:vrrp@4:vyos-accel-ppp@2:wanloadbalance@3:webproxy@2',
    release: '1.4.0',
  },
  '1.5': {
    style: 'vyos',
    components:
      'bgp@5:broadcast-relay@1:cluster@2:config-management@1:conntrack@5:conntrack-sync@2:container@2:dhcp-relay@2:dhcp-server@11:dhcpv6-server@5:dns-dynamic@4:dns-forwarding@4:firewall@16:flow-accounting@1:https@6:ids@1:interfaces@33:ipoe-server@4:ipsec@13:isis@3:l2tp@9:lldp@2:mdns@1:monitoring@1:nat@8:nat66@3:ntp@3:openconnect@3:openvpn@4:ospf@2:pim@1:policy@8:pppoe-server@11:pptp@5:qos@2:quagga@11:reverse-proxy@1:rip@1:rpki@2:salt@1:snmp@3:ssh@2:sstp@6:system@27:vrf@3:vrrp@4:vyos-accel-ppp@2:wanloadbalance@3:webproxy@2',
    release: '1.5.0',
  },
};

/** The lines config.boot must end with on this release line. */
export function versionFooter(line: VyosLine): string[] {
  const footer = FOOTERS[line];
  if (footer.style === 'vyatta') {
    return [
      '/* Warning: Do not remove the following line. */',
      `/* === vyatta-config-version: "${footer.components}" === */`,
      `/* Release version: ${footer.release} */`,
    ];
  }
  return [
    '// Warning: Do not remove the following line.',
    `// vyos-config-version: "${footer.components}"`,
    `// Release version: ${footer.release}`,
  ];
}
