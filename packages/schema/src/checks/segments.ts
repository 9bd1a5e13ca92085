// How segments sit on the router: a tagged segment needs a VLAN id, one VLAN id once per
// interface, no LAN segment on the WAN interface unless it is tagged, and on VyOS only the
// interface names its configuration tree takes.
import type { YamlPath } from '../positions.ts';
import { type Check, error, type Finding, repeats } from './finding.ts';

/** The names `interfaces ethernet <name>` takes (VyOS's interface definitions, per release line). */
const VYOS_ETHERNET: Record<string, { pattern: RegExp; names: string }> = {
  '1.2': { pattern: /^(eth|lan)[0-9]+$/, names: 'eth<N> or lan<N>' },
  later: {
    pattern: /^((eth|lan)[0-9]+|(eno|ens|enp|enx).+)$/,
    names: 'eth<N>, lan<N>, eno*, ens*, enp* or enx*',
  },
};

export const checkSegments: Check = ({ topology, where }) => {
  const findings: Finding[] = [];
  topology.sites.forEach((site, s) => {
    const router = site.router;
    if (router.os === 'vyos') {
      const rule = VYOS_ETHERNET[router.release] ?? VYOS_ETHERNET.later!;
      const named: [string, YamlPath][] = [
        [router.wan.interface, ['sites', s, 'router', 'wan', 'interface']],
        ...site.segments.map((segment, g): [string, YamlPath] => [
          segment.interface,
          ['sites', s, 'segments', g, 'interface'],
        ]),
      ];
      for (const [name, path] of named) {
        if (rule.pattern.test(name)) continue;
        findings.push(
          error(
            'vyos-interface-name',
            path,
            `VyOS ${router.release} has no ethernet interface named ${name} (router ${router.name})`,
            `use the name VyOS gives the port: ${rule.names}`,
          ),
        );
      }
    }
    site.segments.forEach((segment, g) => {
      if (segment.tagged && segment.vlan === undefined) {
        findings.push(
          error(
            'tagged-without-vlan',
            ['sites', s, 'segments', g, 'tagged'],
            `segment ${site.name}/${segment.name} is tagged but has no vlan`,
            'add vlan: <1-4094>, or remove tagged: true',
          ),
        );
      }
      if (segment.interface === site.router.wan.interface && !segment.tagged) {
        findings.push(
          error(
            'interface-conflict',
            ['sites', s, 'segments', g, 'interface'],
            `segment ${site.name}/${segment.name} uses ${segment.interface}, the WAN interface of router ${site.router.name}`,
            'use another router interface, or carry the segment tagged (tagged: true with a vlan)',
          ),
        );
      }
    });
    const tagged = site.segments.map((segment) =>
      segment.tagged && segment.vlan !== undefined ? `${segment.interface}.${segment.vlan}` : undefined,
    );
    for (const { index, first } of repeats(tagged, (key) => key)) {
      const segment = site.segments[index]!;
      findings.push(
        error(
          'duplicate-vlan',
          ['sites', s, 'segments', index, 'vlan'],
          `VLAN ${segment.vlan} on ${segment.interface} is already used by segment ${site.name}/${site.segments[first]!.name} (${where(['sites', s, 'segments', first, 'vlan'])})`,
          'give each tagged segment of an interface its own VLAN id',
        ),
      );
    }
    const untagged = site.segments.map((segment) => (segment.tagged ? undefined : segment.interface));
    for (const { index, first } of repeats(untagged, (key) => key)) {
      const segment = site.segments[index]!;
      findings.push(
        error(
          'interface-conflict',
          ['sites', s, 'segments', index, 'interface'],
          `segment ${site.name}/${segment.name} is untagged on ${segment.interface}, like segment ${site.segments[first]!.name} (${where(['sites', s, 'segments', first, 'interface'])})`,
          'put each untagged segment on its own interface, or tag them with distinct VLANs',
        ),
      );
    }
  });
  return findings;
};
