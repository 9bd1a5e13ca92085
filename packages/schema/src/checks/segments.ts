// How segments sit on the router: a tagged segment needs a VLAN id, one VLAN id once per
// interface, and no LAN segment on the WAN interface unless it is tagged.
import { type Check, error, type Finding, repeats } from './finding.ts';

export const checkSegments: Check = ({ topology, where }) => {
  const findings: Finding[] = [];
  topology.sites.forEach((site, s) => {
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
