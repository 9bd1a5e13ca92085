// The applications as the generated manifests say them (generated/cluster/manifests): what
// `app` applies to a cluster and what the lab runs. Read once from disk, then pure: each
// application with its sites, each site with its StatefulSet's replicas, image, args and ports.
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { KubernetesObject } from '@geostage/transport';
import { parseAllDocuments } from 'yaml';

export const MANAGED_BY = 'app.kubernetes.io/managed-by';
export const APP_LABEL = 'app.kubernetes.io/name';
export const SITE_LABEL = 'geostage.dev/site';

export interface ManifestPort {
  name: string;
  port: number;
  protocol: string;
}

export interface ManifestSite {
  site: string;
  /** The StatefulSet's name, also its headless Service's: <app>-<site>. */
  statefulSet: string;
  namespace: string;
  replicas: number;
  image: string;
  command: string[];
  args: string[];
  ports: ManifestPort[];
  /** Every object of this site (Service, StatefulSet, PodDisruptionBudget), in file order. */
  objects: KubernetesObject[];
}

export interface ManifestApplication {
  name: string;
  /** The image tag (after the last colon), what a replica reports as its version. */
  version: string;
  sites: ManifestSite[];
}

export interface ApplicationManifests {
  /** The Namespace object (namespace.yaml). */
  namespace: KubernetesObject | null;
  applications: ManifestApplication[];
}

export const imageVersion = (image: string): string => {
  const slash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  return colon > slash ? image.slice(colon + 1) : 'latest';
};

interface Container {
  image?: string;
  command?: string[];
  args?: string[];
  ports?: { name?: string; containerPort: number; protocol?: string }[];
}

/** Pure: the documents of namespace.yaml and apps/*.yaml -> applications by name, sites in file order. */
export function applicationsFromDocuments(documents: readonly KubernetesObject[]): ApplicationManifests {
  const namespace = documents.find((document) => document.kind === 'Namespace') ?? null;
  const applications = new Map<string, ManifestApplication>();
  for (const document of documents) {
    const labels = document.metadata.labels ?? {};
    const app = labels[APP_LABEL];
    const site = labels[SITE_LABEL];
    if (!app || !site) continue;
    let entry = applications.get(app);
    if (!entry) {
      entry = { name: app, version: 'latest', sites: [] };
      applications.set(app, entry);
    }
    let siteEntry = entry.sites.find((one) => one.site === site);
    if (!siteEntry) {
      siteEntry = {
        site,
        statefulSet: `${app}-${site}`,
        namespace: document.metadata.namespace ?? 'default',
        replicas: 0,
        image: '',
        command: [],
        args: [],
        ports: [],
        objects: [],
      };
      entry.sites.push(siteEntry);
    }
    siteEntry.objects.push(document);
    if (document.kind === 'StatefulSet') {
      const spec = document.spec as { replicas?: number; template?: { spec?: { containers?: Container[] } } };
      const container = spec.template?.spec?.containers?.[0] ?? {};
      siteEntry.statefulSet = document.metadata.name;
      siteEntry.replicas = spec.replicas ?? 1;
      siteEntry.image = container.image ?? '';
      siteEntry.command = container.command ?? [];
      siteEntry.args = container.args ?? [];
      siteEntry.ports = (container.ports ?? []).map((port) => ({
        name: port.name ?? String(port.containerPort),
        port: port.containerPort,
        protocol: port.protocol ?? 'TCP',
      }));
      entry.version = imageVersion(siteEntry.image);
    }
  }
  return { namespace, applications: [...applications.values()] };
}

/** Reads generated/cluster/manifests of an environment folder (namespace.yaml and apps/). */
export async function readApplicationManifests(environmentFolder: string): Promise<ApplicationManifests> {
  const folder = join(environmentFolder, 'generated', 'cluster', 'manifests');
  const files: string[] = [];
  if (existsSync(join(folder, 'namespace.yaml'))) files.push(join(folder, 'namespace.yaml'));
  if (existsSync(join(folder, 'apps')))
    for (const name of (await readdir(join(folder, 'apps'))).sort())
      if (name.endsWith('.yaml')) files.push(join(folder, 'apps', name));
  const documents: KubernetesObject[] = [];
  for (const file of files)
    for (const document of parseAllDocuments(await readFile(file, 'utf8'))) {
      const value = document.toJS() as KubernetesObject | null;
      if (value) documents.push(value);
    }
  return applicationsFromDocuments(documents);
}

/** The stable DNS name of one pod of a site's StatefulSet, as the peer arguments carry it. */
export const podHost = (site: ManifestSite, ordinal: number, dnsDomain: string): string =>
  `${site.statefulSet}-${ordinal}.${site.statefulSet}.${site.namespace}.svc.${dnsDomain}`;
