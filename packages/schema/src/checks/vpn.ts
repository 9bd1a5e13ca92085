// The tunnels: policy names real sites, the pool and the port range hold every tunnel, no
// tunnel joins two sites behind NAT, the cipher suits the authentication, and every site can
// reach every other one through the tunnels.
import { DEFAULTS, STATIC_KEY_RELEASES } from '../defaults.ts';
import type { YamlPath } from '../positions.ts';
import type { Topology } from '../topology.ts';
import { plannedTunnels, poolCapacity, siteIds } from '../tunnels.ts';
import { type Check, error, type Finding, warning } from './finding.ts';
import { parsePrefix } from './ipv4.ts';

const AEAD_CIPHERS: readonly string[] = ['aes-256-gcm', 'aes-128-gcm', 'chacha20-poly1305'];

/** Authentication and cipher as resolve will choose them: written, else the release-aware default. */
export function effectiveCrypto(written: Topology): { authentication: 'tls' | 'static-key'; cipher: string } {
  const oldVyos = written.sites.some(
    (site) => site.router.os === 'vyos' && STATIC_KEY_RELEASES.includes(site.router.release),
  );
  const authentication = written.vpn?.authentication ?? (oldVyos ? 'static-key' : 'tls');
  const cipher =
    written.vpn?.cipher ?? (authentication === 'static-key' ? DEFAULTS.cipherStaticKey : DEFAULTS.cipherTls);
  return { authentication, cipher };
}

export const checkVpn: Check = ({ topology, written, where }) => {
  const findings: Finding[] = [];
  const sites = topology.sites;
  const names = sites.map((site) => site.name);
  const known = new Set(names);
  const policy = topology.vpn?.policy;
  const policyPath: YamlPath = ['vpn', 'policy'];

  if (policy?.type === 'hub-and-spoke') {
    policy.hubs.forEach((hub, h) => {
      if (!known.has(hub)) {
        findings.push(
          error(
            'unknown-hub',
            [...policyPath, 'hubs', h],
            `hub "${hub}" is not a site`,
            `name one of the sites: ${names.join(', ')}`,
          ),
        );
      }
    });
  }
  if (policy?.type === 'pairs') {
    const seen = new Map<string, number>();
    policy.pairs.forEach((pair, p) => {
      const [x, y] = pair;
      pair.forEach((name, end) => {
        if (!known.has(name)) {
          findings.push(
            error(
              'unknown-site',
              [...policyPath, 'pairs', p, end],
              `tunnel pair names site "${name}", which is not defined`,
              `name one of the sites: ${names.join(', ')}`,
            ),
          );
        }
      });
      if (x === undefined || y === undefined) return;
      if (x === y) {
        findings.push(
          error(
            'pair-same-site',
            [...policyPath, 'pairs', p],
            `tunnel pair [${x}, ${y}] joins site ${x} to itself`,
            'a pair names two different sites',
          ),
        );
        return;
      }
      const key = [x, y].sort().join(' ');
      const first = seen.get(key);
      if (first !== undefined) {
        findings.push(
          error(
            'duplicate-pair',
            [...policyPath, 'pairs', p],
            `tunnel pair [${x}, ${y}] is already listed (${where([...policyPath, 'pairs', first])})`,
            'list each pair of sites once',
          ),
        );
      } else seen.set(key, p);
    });
  }

  const tunnels = plannedTunnels(sites, policy);
  const kind = policy?.type ?? 'full-mesh';

  // Sites behind NAT can only dial out: two of them cannot build a tunnel to each other.
  const indexOf = (name: string) => names.indexOf(name);
  const nat = (name: string) => sites[indexOf(name)]?.router.wan.nat === true;
  for (const tunnel of tunnels) {
    if (!nat(tunnel.a) || !nat(tunnel.b)) continue;
    let path: YamlPath = ['sites', indexOf(tunnel.b), 'router', 'wan', 'nat'];
    if (policy?.type === 'pairs') path = [...policyPath, 'pairs', tunnel.slot];
    if (policy?.type === 'hub-and-spoke') {
      const hubA = policy.hubs.indexOf(tunnel.a);
      const hubB = policy.hubs.indexOf(tunnel.b);
      if (hubA >= 0 && hubB >= 0) path = [...policyPath, 'hubs', Math.max(hubA, hubB)];
      else path = ['sites', indexOf(hubA >= 0 ? tunnel.b : tunnel.a), 'router', 'wan', 'nat'];
    }
    findings.push(
      error(
        'nat-to-nat-tunnel',
        path,
        `sites ${tunnel.a} and ${tunnel.b} are both behind NAT, but the ${kind} policy needs a tunnel between them: neither can reach the other`,
        'route them through a hub with a public address (policy hub-and-spoke), or give one of them a public address',
      ),
    );
  }

  // The pool must hold the highest slot, not just the number of tunnels.
  const pool = parsePrefix(topology.vpn?.pool ?? DEFAULTS.pool);
  const tunnelLength = (topology.vpn?.prefixLength ?? DEFAULTS.tunnelPrefixLength) as 30 | 31;
  if (pool.ok && tunnels.length > 0) {
    const needed = Math.max(...tunnels.map((tunnel) => tunnel.slot)) + 1;
    const capacity = poolCapacity(pool.value.subnetMask, tunnelLength);
    if (needed > capacity) {
      const fits = Math.max(0, tunnelLength - Math.ceil(Math.log2(needed)));
      const count = `${tunnels.length} tunnel${tunnels.length === 1 ? '' : 's'}`;
      const slots =
        needed === tunnels.length ? count : `${count} in slots up to ${needed - 1} (slots follow site ids)`;
      findings.push(
        error(
          'tunnel-pool-too-small',
          written.vpn?.pool !== undefined ? ['vpn', 'pool'] : ['vpn'],
          `tunnel pool ${pool.value.address} holds ${capacity} /${tunnelLength} subnet${capacity === 1 ? '' : 's'}, but the ${kind} policy needs ${slots}`,
          `use a pool of /${fits} or shorter, e.g. ${pool.value.startAddress().correctForm()}/${fits}`,
        ),
      );
    }
  }

  // A router listens on port + peer site id - 1.
  const ids = siteIds(sites);
  const port = topology.vpn?.port ?? DEFAULTS.port;
  const maxId = Math.max(...ids.values());
  if (port + maxId - 1 > 65535) {
    const site = sites.findIndex((x, i) => (x.id ?? i + 1) === maxId);
    findings.push(
      error(
        'port-range-overflow',
        written.vpn?.port !== undefined ? ['vpn', 'port'] : ['sites', site, 'id'],
        `tunnel ports run from ${port} to ${port + maxId - 1} (port + highest site id ${maxId} - 1), beyond 65535`,
        `lower vpn.port to ${65536 - maxId} or less, or use smaller site ids`,
      ),
    );
  }

  const { authentication, cipher } = effectiveCrypto(written);
  if (authentication === 'static-key') {
    if (AEAD_CIPHERS.includes(cipher)) {
      findings.push(
        error(
          'static-key-aead',
          written.vpn?.cipher !== undefined ? ['vpn', 'cipher'] : ['vpn'],
          `OpenVPN static-key mode cannot use the AEAD cipher ${cipher}`,
          'use aes-256-cbc (or aes-128-cbc) with static keys, or authentication: tls',
        ),
      );
    }
    sites.forEach((site, s) => {
      const router = site.router;
      if (router.os === 'vyos' && STATIC_KEY_RELEASES.includes(router.release)) return;
      const what = router.os === 'vyos' ? `VyOS ${router.release}` : 'Linux';
      findings.push(
        warning(
          'static-key-deprecated',
          ['sites', s, 'router', 'os'],
          `router ${router.name} (${what}) uses OpenVPN static keys, deprecated in OpenVPN 2.6 and removed after it`,
          written.vpn?.authentication !== undefined
            ? 'use authentication: tls, which this router supports'
            : 'static keys are the default because a router runs VyOS 1.2/1.3; set vpn.authentication: tls if every router supports it',
        ),
      );
    });
  }

  // Pairs can leave sites without any tunnel path to others (routes follow tunnels hop by hop).
  if (policy?.type === 'pairs' && sites.length > 1) {
    const component = new Map<string, number>(names.map((name, i) => [name, i]));
    const find = (name: string): number => {
      let root = component.get(name)!;
      while (component.get(names[root]!) !== root) root = component.get(names[root]!)!;
      return root;
    };
    for (const tunnel of tunnels) component.set(names[find(tunnel.a)]!, find(tunnel.b));
    const groups = new Map<number, string[]>();
    for (const name of new Set(names)) {
      const root = find(name);
      groups.set(root, [...(groups.get(root) ?? []), name]);
    }
    if (groups.size > 1) {
      const largest = [...groups.values()].reduce((best, group) =>
        group.length > best.length ? group : best,
      );
      for (const group of groups.values()) {
        if (group === largest) continue;
        for (const name of group) {
          findings.push(
            warning(
              'site-unreachable',
              ['sites', indexOf(name), 'name'],
              `site ${name} has no tunnel path to ${largest.join(', ')}: the pairs policy leaves it disconnected`,
              `add a pair joining ${name} to one of ${largest.join(', ')}`,
            ),
          );
        }
      }
    }
  }
  return findings;
};
