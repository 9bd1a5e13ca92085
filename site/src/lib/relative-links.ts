// The built site opens from the file system as well as from a server: after the build, every
// link and asset path under the base becomes relative to its page, and a link to a page names
// its index.html (file:// shows a folder's listing, not its index).
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join, posix, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

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

async function htmlFiles(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.html'))
    .map((entry) => relative(folder, join(entry.parentPath, entry.name)).split(sep).join('/'));
}

/** The Astro integration: rewrites every built page once the build is done. */
export function relativeLinks(base: string) {
  return {
    name: 'geostage-relative-links',
    hooks: {
      'astro:build:done': async ({ dir }: { dir: URL }) => {
        const folder = fileURLToPath(dir);
        for (const page of await htmlFiles(folder)) {
          const path = join(folder, page);
          await writeFile(path, relativeHtml(await readFile(path, 'utf8'), page, base));
        }
      },
    },
  };
}
