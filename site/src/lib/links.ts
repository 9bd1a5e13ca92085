// Every internal link goes through here so that the base path (GEOSTAGE_SITE_BASE) is respected.
import type { Environment } from './environments.ts';
import { fileSlug, type SiteFile } from './files.ts';

// astro.config.mjs normalises GEOSTAGE_SITE_BASE to /<base>/ (or /) before any page renders.
// (import.meta.env.BASE_URL is not replaced inside these modules during prerendering.)
function base(): string {
  return process.env.GEOSTAGE_SITE_BASE ?? '/';
}

export function url(path: string): string {
  return `${base()}${path.replace(/^\//, '')}`;
}

export const links = {
  home: () => url(''),
  environment: (env: string) => url(`${env}/`),
  site: (env: string, site: string) => url(`${env}/sites/${site}/`),
  scenario: (env: string, name: string) => url(`${env}/scenarios/${name}/`),
  file: (env: string, file: Pick<SiteFile, 'folder' | 'path'>) => url(`${env}/files/${fileSlug(file)}/`),
  /**
   * A device's page, or where it is shown instead (scale.ts): servers of large environments on
   * their site's page, and routers too above scale.devicePages.
   */
  device(environment: Environment, name: string): string {
    const site = environment.serverSite.get(name);
    if (site !== undefined && !environment.scale.detailed)
      return `${url(`${environment.name}/sites/${site}/`)}#server-${name}`;
    const routerSite = environment.routerSite.get(name);
    if (routerSite !== undefined && !environment.scale.devicePages)
      return `${url(`${environment.name}/sites/${routerSite}/`)}#router`;
    return url(`${environment.name}/devices/${name}/`);
  },
};

/** Whether a device has a page of its own (see links.device). */
export function hasDevicePage(environment: Environment, name: string): boolean {
  if (environment.serverSite.has(name)) return environment.scale.detailed;
  return environment.scale.devicePages || !environment.routerSite.has(name);
}

/**
 * Whether a file has a page of its own (see scale.ts): large environments skip server files,
 * and above scale.devicePages only cluster-wide files have pages.
 */
export function hasFilePage(environment: Environment, file: SiteFile): boolean {
  if (file.content === null) return false;
  if (environment.scale.detailed) return true;
  return !file.owners.some((owner) => environment.serverSite.has(owner));
}
