// Pure: the manifests' replicas placed on the lab's servers, as the lab runs them. Ordinal i of
// a site goes to the site's i-th worker (round robin); its command is the application's `lab`
// command followed by the manifest's args, with every peer's cluster DNS name replaced by the
// lab address of the server that replica is placed on: the same peer list the manifests carry.
import type { LabReplicaSpec } from '@geostage/lab';
import { type ApplicationManifests, type ManifestApplication, podHost } from './manifests.ts';

export interface LabServerPlace {
  name: string;
  site: string;
  namespace: string;
  address: string;
  worker: boolean;
}

export interface LabReplicaInput {
  manifests: ApplicationManifests;
  /** Application name -> its topology `lab.command`. */
  commands: ReadonlyMap<string, readonly string[]>;
  servers: readonly LabServerPlace[];
  dnsDomain: string;
  /** Absolute: the lab folder, this geostage's repository (for {geostage}), the Node binary (for {node}). */
  labFolder: string;
  geostage: string;
  node: string;
}

export type LabReplicaPlan = { ok: true; replicas: LabReplicaSpec[] } | { ok: false; errors: string[] };

const PLACEHOLDER = /\{(node|geostage|folder|address|replica)\}/g;

/** The servers a site's replicas go to: its workers, or every server of a site without one. */
function placesFor(site: string, servers: readonly LabServerPlace[]): LabServerPlace[] {
  const here = servers.filter((server) => server.site === site);
  const workers = here.filter((server) => server.worker);
  return workers.length > 0 ? workers : here;
}

// One piece (over 80 lines): placement, the port check and the peer translation work on one
// placed list in that order; split, each would take and return the whole of it.
export function labReplicas(input: LabReplicaInput): LabReplicaPlan {
  const errors: string[] = [];
  const placed: {
    app: ManifestApplication;
    spec: Omit<LabReplicaSpec, 'command'>;
    args: string[];
    base: readonly string[];
  }[] = [];
  for (const app of input.manifests.applications) {
    const base = input.commands.get(app.name);
    if (!base) {
      errors.push(
        `${app.name}: the topology gives it no lab command (applications[].lab.command), so the lab cannot stand in for its image`,
      );
      continue;
    }
    for (const site of app.sites) {
      const places = placesFor(site.site, input.servers);
      if (site.replicas > 0 && places.length === 0) {
        errors.push(`${app.name}: site ${site.site} has no server in the lab`);
        continue;
      }
      for (let ordinal = 0; ordinal < site.replicas; ordinal += 1) {
        const server = places[ordinal % places.length]!;
        placed.push({
          app,
          base,
          args: site.args,
          spec: {
            app: app.name,
            site: site.site,
            ordinal,
            name: `${site.statefulSet}-${ordinal}`,
            server: server.name,
            namespace: server.namespace,
            address: server.address,
            environment: {},
            ports: site.ports.filter((port) => port.protocol === 'TCP').map((port) => port.port),
            version: app.version,
            peers: [],
          },
        });
      }
    }
  }
  // Two replicas on one server share its ports: the lab cannot run both.
  const used = new Map<string, string>();
  for (const { spec } of placed)
    for (const port of spec.ports) {
      const key = `${spec.server}:${port}`;
      const other = used.get(key);
      if (other)
        errors.push(
          `${spec.name} and ${other} would both listen on ${key}: give ${spec.site} more workers or fewer replicas`,
        );
      else used.set(key, spec.name);
    }
  if (errors.length > 0) return { ok: false, errors };
  const addressOf = new Map<string, string>();
  for (const { app, spec } of placed) {
    const site = app.sites.find((one) => one.site === spec.site)!;
    addressOf.set(podHost(site, spec.ordinal, input.dnsDomain), spec.address);
  }
  const hosts = [...addressOf.keys()].sort((a, b) => b.length - a.length);
  const toLab = (arg: string): { text: string; peers: string[] } => {
    const peers: string[] = [];
    let text = arg;
    for (const host of hosts)
      if (text.includes(host)) {
        text = text.replaceAll(host, addressOf.get(host)!);
        peers.push(addressOf.get(host)!);
      }
    return { text, peers };
  };
  const replicas = placed.map(({ spec, base, args }): LabReplicaSpec => {
    const fill = (word: string) =>
      word.replace(PLACEHOLDER, (_, name: string) =>
        name === 'node'
          ? input.node
          : name === 'geostage'
            ? input.geostage
            : name === 'folder'
              ? `${input.labFolder}/apps/${spec.name}`
              : name === 'address'
                ? spec.address
                : spec.name,
      );
    const translated = args.map(toLab);
    return {
      ...spec,
      command: [...base.map(fill), ...translated.map((one) => one.text)],
      peers: translated.flatMap((one) => one.peers),
    };
  });
  return { ok: true, replicas };
}
