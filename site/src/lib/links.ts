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
  /** Routers always have a page; servers have one unless the environment is large (then their site's page). */
  device(environment: Environment, name: string): string {
    const site = environment.serverSite.get(name);
    if (site !== undefined && !environment.scale.detailed)
      return `${url(`${environment.name}/sites/${site}/`)}#server-${name}`;
    return url(`${environment.name}/devices/${name}/`);
  },
};

/** Whether a file has a page of its own (see scale.ts: large environments skip server files). */
export function hasFilePage(environment: Environment, file: SiteFile): boolean {
  if (environment.scale.detailed) return true;
  return !file.owners.some((owner) => environment.serverSite.has(owner));
}
