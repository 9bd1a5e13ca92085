// The built site opens from the file system as well as from a server: every link and asset path
// under the base becomes relative to its page, and a link to a page names its index.html
// (file:// shows a folder's listing, not its index). src/middleware.ts applies it to each page.
import { posix } from 'node:path';

/**
 * `html` of the page at `page` (its file in the output folder, e.g. `keio-2019/index.html`)
 * with every href and src under `base` made relative to that page.
 */
export function relativeHtml(html: string, page: string, base: string): string {
  const from = posix.dirname(page);
  // Attributes of tags only: a generated file shown on a page may hold the same text.
  return html.replace(/<[a-zA-Z](?:[^>"']|"[^"]*"|'[^']*')*>/g, (tag) => relativeTag(tag, from, base));
}

function relativeTag(tag: string, from: string, base: string): string {
  return tag.replace(/\s(href|src)="([^"]*)"/g, (whole, attribute: string, value: string) => {
    if (!value.startsWith(base)) return whole;
    const hash = value.indexOf('#');
    const path = hash === -1 ? value : value.slice(0, hash);
    const fragment = hash === -1 ? '' : value.slice(hash);
    const target = path.slice(base.length);
    const file = target === '' || target.endsWith('/') ? `${target}index.html` : target;
    return ` ${attribute}="${posix.relative(from, file) || posix.basename(file)}${fragment}"`;
  });
}

/** The built file of the page at `pathname` (directory format): /geostage/keio-2019/ -> keio-2019/index.html. */
export function pageFile(pathname: string, base: string): string {
  const path = pathname.startsWith(base) ? pathname.slice(base.length) : pathname.replace(/^\//, '');
  return path === '' || path.endsWith('/') ? `${path}index.html` : path;
}
