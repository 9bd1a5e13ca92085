// Host addresses: their syntax, where they sit (servers and gateways inside their segment, WAN
// gateways inside the WAN prefix), that no two hosts share one, and that every server names a
// site and segment that exist.
import type { Address4 } from 'ip-address';
import type { YamlPath } from '../positions.ts';
import { type Check, error, type Finding } from './finding.ts';
import {
  hostOf,
  networkOf,
  parseAddress,
  parseAddressWithPrefix,
  parsePrefix,
  reservedRole,
} from './ipv4.ts';

interface Claim {
  address: string;
  path: YamlPath;
  what: string;
  /** A segment gateway, so that a server using it is reported once, as gateway-is-server. */
  gatewayOf?: string;
  /** Two routers behind NAT may well share a private WAN address. */
  behindNat?: boolean;
}

export const checkAddresses: Check = ({ topology, where }) => {
  const findings: Finding[] = [];
  const claims: Claim[] = [];
  const invalid = (path: YamlPath, text: string, reason: string, example: string) =>
    findings.push(
      error(
        'invalid-address',
        path,
        `"${text}" is not a valid address: ${reason}`,
        `write an address like ${example}`,
      ),
    );
  const reserved = (
    path: YamlPath,
    host: Address4,
    prefix: Address4,
    role: 'network' | 'broadcast',
    hint: string,
  ) =>
    findings.push(
      error(
        'reserved-address',
        path,
        `${host.correctForm()} is the ${role} address of ${prefix.startAddress().correctForm()}/${prefix.subnetMask}, not a host address`,
        hint,
      ),
    );

  const segmentPrefixes = new Map<string, Address4 | null>();
  topology.sites.forEach((site, s) => {
    const router = site.router;
    const wanPath: YamlPath = ['sites', s, 'router', 'wan'];
    const wan = parseAddressWithPrefix(router.wan.address);
    if (!wan.ok) invalid([...wanPath, 'address'], router.wan.address, wan.reason, '10.4.0.90/16');
    else {
      const host = hostOf(wan.value);
      const network = networkOf(wan.value);
      const role = reservedRole(host, network);
      if (role)
        reserved(
          [...wanPath, 'address'],
          host,
          network,
          role,
          'give the router a host address of its WAN prefix',
        );
      claims.push({
        address: host.correctForm(),
        path: [...wanPath, 'address'],
        what: `router ${router.name} (its WAN address)`,
        behindNat: router.wan.nat === true,
      });
    }
    if (router.wan.gateway !== undefined) {
      const gateway = parseAddress(router.wan.gateway);
      if (!gateway.ok) invalid([...wanPath, 'gateway'], router.wan.gateway, gateway.reason, '198.51.100.1');
      else if (wan.ok) {
        const network = networkOf(wan.value);
        if (!gateway.value.isInSubnet(network)) {
          findings.push(
            error(
              'wan-gateway-outside-prefix',
              [...wanPath, 'gateway'],
              `WAN gateway ${gateway.value.correctForm()} of router ${router.name} is outside its WAN prefix ${network.address}`,
              `use the next hop on ${network.address}, or fix the prefix length of wan.address`,
            ),
          );
        } else if (gateway.value.correctForm() === hostOf(wan.value).correctForm()) {
          findings.push(
            error(
              'wan-gateway-is-router',
              [...wanPath, 'gateway'],
              `WAN gateway ${gateway.value.correctForm()} of router ${router.name} is the router's own WAN address`,
              'the gateway is the next hop towards the internet: another device on the WAN prefix',
            ),
          );
        }
      }
    }

    site.segments.forEach((segment, g) => {
      const path: YamlPath = ['sites', s, 'segments', g];
      const prefix = parsePrefix(segment.prefix);
      segmentPrefixes.set(`${s}/${g}`, prefix.ok ? prefix.value : null);
      const gateway = parseAddress(segment.gateway);
      if (!gateway.ok) {
        invalid([...path, 'gateway'], segment.gateway, gateway.reason, '192.168.10.1');
        return;
      }
      claims.push({
        address: gateway.value.correctForm(),
        path: [...path, 'gateway'],
        what: `the gateway of segment ${site.name}/${segment.name}`,
        gatewayOf: `${site.name}/${segment.name}`,
      });
      if (!prefix.ok) return;
      if (!gateway.value.isInSubnet(prefix.value)) {
        findings.push(
          error(
            'gateway-outside-segment',
            [...path, 'gateway'],
            `gateway ${gateway.value.correctForm()} is outside segment ${site.name}/${segment.name} (${prefix.value.address})`,
            `give the router an address inside ${prefix.value.address}`,
          ),
        );
        return;
      }
      const role = reservedRole(gateway.value, prefix.value);
      if (role)
        reserved(
          [...path, 'gateway'],
          gateway.value,
          prefix.value,
          role,
          `use a host address of ${prefix.value.address}, e.g. the first one`,
        );
    });
  });

  const gatewayUsers = new Set<number>();
  const siteIndexes = new Map<string, number>();
  topology.sites.forEach((site, index) => {
    if (!siteIndexes.has(site.name)) siteIndexes.set(site.name, index);
  });
  topology.servers.forEach((server, v) => {
    const path: YamlPath = ['servers', v];
    const siteIndex = siteIndexes.get(server.site) ?? -1;
    const site = topology.sites[siteIndex];
    if (!site) {
      findings.push(
        error(
          'unknown-site',
          [...path, 'site'],
          `server ${server.name} is on site "${server.site}", which is not defined`,
          `use one of the sites: ${topology.sites.map((x) => x.name).join(', ')}`,
        ),
      );
    }
    const segment =
      site &&
      (server.segment === undefined
        ? site.segments[0]
        : site.segments.find((x) => x.name === server.segment));
    if (site && !segment) {
      findings.push(
        error(
          'unknown-segment',
          [...path, 'segment'],
          `site ${site.name} has no segment "${server.segment}"`,
          `use one of the segments of ${site.name}: ${site.segments.map((x) => x.name).join(', ')}`,
        ),
      );
    }
    const address = parseAddress(server.address);
    if (!address.ok) {
      invalid([...path, 'address'], server.address, address.reason, '192.168.10.101');
      return;
    }
    const host = address.value.correctForm();
    claims.push({ address: host, path: [...path, 'address'], what: `server ${server.name}` });
    if (!site || !segment) return;
    const segmentName = `${site.name}/${segment.name}`;
    const gateway = parseAddress(segment.gateway);
    if (gateway.ok && gateway.value.correctForm() === host) {
      gatewayUsers.add(claims.length - 1);
      findings.push(
        error(
          'gateway-is-server',
          [...path, 'address'],
          `server ${server.name} has address ${host}, the gateway of its segment ${segmentName} (${where(['sites', siteIndex, 'segments', site.segments.indexOf(segment), 'gateway'])})`,
          'the gateway is the router; give the server another address of the segment',
        ),
      );
      return;
    }
    const prefix = segmentPrefixes.get(`${siteIndex}/${site.segments.indexOf(segment)}`);
    if (!prefix) return;
    if (!address.value.isInSubnet(prefix)) {
      findings.push(
        error(
          'address-outside-segment',
          [...path, 'address'],
          `address ${host} of server ${server.name} is outside its segment ${segmentName} (${prefix.address})`,
          `use an address inside ${prefix.address}, or put the server on the segment it belongs to`,
        ),
      );
      return;
    }
    const role = reservedRole(address.value, prefix);
    if (role)
      reserved([...path, 'address'], address.value, prefix, role, `use a host address of ${prefix.address}`);
  });

  // Duplicates, reported on every later claim and naming the first.
  const first = new Map<string, number>();
  claims.forEach((claim, index) => {
    const earlier = first.get(claim.address);
    if (earlier === undefined) {
      first.set(claim.address, index);
      return;
    }
    const other = claims[earlier]!;
    if (gatewayUsers.has(index) && other.gatewayOf) return;
    if (claim.behindNat && other.behindNat) return;
    findings.push(
      error(
        'duplicate-address',
        claim.path,
        `address ${claim.address} of ${claim.what} is already used by ${other.what} (${where(other.path)})`,
        'every server, gateway and router needs its own address',
      ),
    );
  });
  return findings;
};
