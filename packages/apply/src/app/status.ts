// What `app status` prints, the same for a cluster and the lab: per application its version
// and per site the replicas desired and ready, with each replica's peers.
import type { ManifestApplication } from './manifests.ts';

export interface ReplicaStatus {
  name: string;
  /** The node (cluster) or lab server it runs on, when known. */
  server: string | null;
  ready: boolean;
  version: string;
  peers: string[];
}

export interface SiteStatus {
  site: string;
  desired: number;
  ready: number;
  replicas: ReplicaStatus[];
}

export interface AppStatus {
  applications: { name: string; version: string; sites: SiteStatus[] }[];
}

/** An application as the manifests want it: version, and per site the replicas desired. */
export interface DesiredApplication {
  name: string;
  version: string;
  sites: { site: string; desired: number }[];
}

export const desiredOf = (app: ManifestApplication): DesiredApplication => ({
  name: app.name,
  version: app.version,
  sites: app.sites.map((site) => ({ site: site.site, desired: site.replicas })),
});

/** Pure: the text form, one line per site and one per replica. */
export function renderAppStatus(status: AppStatus): string {
  const lines: string[] = [];
  for (const app of status.applications) {
    lines.push(`${app.name} (version ${app.version})`);
    for (const site of app.sites) {
      lines.push(`  ${site.site}: ${site.ready}/${site.desired} ready`);
      for (const replica of site.replicas)
        lines.push(
          `    ${replica.name}${replica.server ? ` on ${replica.server}` : ''}: ${replica.ready ? 'ready' : 'not ready'}, version ${replica.version}${replica.peers.length > 0 ? `, peers ${replica.peers.join(' ')}` : ''}`,
        );
    }
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : 'no applications\n';
}
