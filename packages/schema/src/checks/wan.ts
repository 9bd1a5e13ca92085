// The WAN between sites: zones, cities and pairs name things that exist, a pair is given once,
// and (once resolved) the WAN suits what runs on it: etcd across sites, applications' rates.
import { CITIES } from '../cities.ts';
import type { Model } from '../model.ts';
import type { Topology } from '../topology.ts';
import { plannedTunnels } from '../tunnels.ts';
import { pairKey, wanPath } from '../wan.ts';
import { ZONE_MATRICES, zoneMatrix } from '../zones.ts';
import { type Check, error, type Finding, warning } from './finding.ts';

/** Above this round trip, etcd with kubeadm's default timeouts (heartbeat 100 ms, election 1 s) starts to flap. */
export const ETCD_RTT_LIMIT_MS = 50;

export const checkWan: Check = ({ topology, where }) => {
  const findings: Finding[] = [];
  const wan = topology.wan;
  const names = topology.sites.map((site) => site.name);
  const matrix = wan?.zones ? zoneMatrix(wan.zones) : undefined;
  if (wan?.zones && !matrix) {
    findings.push(
      error(
        'unknown-zone-matrix',
        ['wan', 'zones'],
        `zone matrix "${wan.zones}" is not shipped`,
        `name one of: ${ZONE_MATRICES.map((known) => known.name).join(', ')}`,
      ),
    );
  }
  topology.sites.forEach((site, s) => {
    if (site.zone !== undefined) {
      if (!wan?.zones) {
        findings.push(
          error(
            'zone-without-matrix',
            ['sites', s, 'zone'],
            `site ${site.name} names zone "${site.zone}", but wan.zones names no zone matrix`,
            `add wan.zones (one of: ${ZONE_MATRICES.map((known) => known.name).join(', ')}), or remove the zone`,
          ),
        );
      } else if (matrix && !matrix.zones.includes(site.zone)) {
        findings.push(
          error(
            'unknown-zone',
            ['sites', s, 'zone'],
            `zone "${site.zone}" of site ${site.name} is not in zone matrix ${matrix.name}`,
            `name one of: ${matrix.zones.join(', ')}`,
          ),
        );
      }
    }
    findings.push(...checkLocation(site, s));
  });
  if (matrix && !topology.sites.some((site) => site.zone !== undefined)) {
    findings.push(
      warning(
        'zone-matrix-unused',
        ['wan', 'zones'],
        `zone matrix ${matrix.name} is named, but no site names its zone`,
        'give sites a zone (e.g. zone: japan-east), or remove wan.zones',
      ),
    );
  }
  findings.push(...checkPairs(topology, names, where));
  return findings;
};

/** A location names a known city, or gives both latitude and longitude (not both kinds). */
function checkLocation(site: Topology['sites'][number], s: number): Finding[] {
  const findings: Finding[] = [];
  const location = site.location;
  if (!location) return findings;
  const hasCoordinates = location.latitude !== undefined || location.longitude !== undefined;
  if (location.city !== undefined && !Object.hasOwn(CITIES, location.city)) {
    findings.push(
      error(
        'unknown-city',
        ['sites', s, 'location', 'city'],
        `city "${location.city}" of site ${site.name} is not in the table of known cities`,
        `name one of: ${Object.keys(CITIES).join(', ')}; or give latitude and longitude`,
      ),
    );
  } else if (location.city !== undefined && hasCoordinates) {
    findings.push(
      error(
        'location-twice',
        ['sites', s, 'location'],
        `site ${site.name} gives both a city and coordinates`,
        'keep the city or the latitude and longitude, not both',
      ),
    );
  } else if (
    location.city === undefined &&
    (location.latitude === undefined || location.longitude === undefined)
  ) {
    findings.push(
      error(
        'location-incomplete',
        ['sites', s, 'location'],
        `the location of site ${site.name} needs a city, or both latitude and longitude`,
        'add the missing latitude or longitude, or name a city',
      ),
    );
  }
  return findings;
}

function checkPairs(
  topology: Topology,
  names: readonly string[],
  where: (path: readonly (string | number)[]) => string,
): Finding[] {
  const findings: Finding[] = [];
  const known = new Set(names);
  const seen = new Map<string, number>();
  const tunnelled = new Set(
    plannedTunnels(topology.sites, topology.vpn?.policy).map((tunnel) => pairKey(tunnel.a, tunnel.b)),
  );
  (topology.wan?.pairs ?? []).forEach((pair, p) => {
    const [x, y] = pair.sites;
    let unknown = false;
    pair.sites.forEach((name, end) => {
      if (known.has(name)) return;
      unknown = true;
      findings.push(
        error(
          'unknown-site',
          ['wan', 'pairs', p, 'sites', end],
          `WAN pair names site "${name}", which is not defined`,
          `name one of the sites: ${names.join(', ')}`,
        ),
      );
    });
    if (x === undefined || y === undefined || unknown) return;
    if (x === y) {
      findings.push(
        error(
          'pair-same-site',
          ['wan', 'pairs', p, 'sites'],
          `WAN pair [${x}, ${y}] joins site ${x} to itself`,
          'a pair names two different sites',
        ),
      );
      return;
    }
    const key = pairKey(x, y);
    const first = seen.get(key);
    if (first !== undefined) {
      findings.push(
        error(
          'duplicate-wan-pair',
          ['wan', 'pairs', p, 'sites'],
          `WAN pair [${x}, ${y}] is already listed (${where(['wan', 'pairs', first, 'sites'])})`,
          'list each pair of sites once, with all its values',
        ),
      );
      return;
    }
    seen.set(key, p);
    if (!tunnelled.has(key)) {
      findings.push(
        warning(
          'wan-pair-without-tunnel',
          ['wan', 'pairs', p, 'sites'],
          `no tunnel joins ${x} and ${y}: their traffic goes through a hub, so this pair's values are not used`,
          'give the values to the tunnels on the route (each spoke with its hub), or change the VPN policy',
        ),
      );
    }
  });
  return findings;
}

/**
 * Where the design and the resolved WAN disagree. Needs the Model (paths through hubs), so the
 * loader runs it after every other check passed.
 */
export function wanDesignFindings(model: Model): Finding[] {
  const findings: Finding[] = [];
  const path = (a: string, b: string) => wanPath(model.wan, a, b);
  const controlPlanes = model.servers
    .map((server, index) => ({ server, index }))
    .filter(({ server }) => server.roles.includes('control-plane'));
  let worst: { a: (typeof controlPlanes)[number]; b: (typeof controlPlanes)[number]; rtt: number } | null =
    null;
  for (const [i, a] of controlPlanes.entries()) {
    for (const b of controlPlanes.slice(i + 1)) {
      if (a.server.site === b.server.site) continue;
      const rtt = path(a.server.site, b.server.site)?.rttMs ?? 0;
      if (rtt > ETCD_RTT_LIMIT_MS && (!worst || rtt > worst.rtt)) worst = { a, b, rtt };
    }
  }
  if (worst && model.kubernetes) {
    findings.push(
      warning(
        'etcd-across-wan',
        ['servers', worst.b.index, 'roles'],
        `control planes ${worst.a.server.name} (${worst.a.server.site}) and ${worst.b.server.name} (${worst.b.server.site}) are ${Math.round(worst.rtt)} ms apart (round trip); etcd with kubeadm's default timeouts (heartbeat 100 ms, election 1000 ms) wants under ${ETCD_RTT_LIMIT_MS} ms`,
        'keep the control planes at sites close together, or raise etcd heartbeat-interval (about the RTT) and election-timeout (about 10 times it)',
      ),
    );
  }
  model.applications.forEach((app, a) => {
    if (app.rate === null) return;
    const at = Object.entries(app.replicas)
      .filter(([, count]) => count > 0)
      .map(([site]) => site);
    let slowest: { a: string; b: string; rate: number } | null = null;
    for (const [i, x] of at.entries()) {
      for (const y of at.slice(i + 1)) {
        const rate = path(x, y)?.rateMbps.value ?? null;
        if (rate !== null && rate < app.rate && (!slowest || rate < slowest.rate))
          slowest = { a: x, b: y, rate };
      }
    }
    if (slowest) {
      findings.push(
        warning(
          'application-rate-above-wan',
          ['applications', a, 'rate'],
          `application ${app.name} needs ${app.rate} Mbit/s between its sites, but ${slowest.a}-${slowest.b} offers ${slowest.rate} Mbit/s`,
          'lower the rate the application declares, or raise the WAN rate (wan.pairs, site uplinks) on that path',
        ),
      );
    }
  });
  return findings;
}
