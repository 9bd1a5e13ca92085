// The geostage site: static HTML over every environment, built from environments/ at build time.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'astro/config';

// Where the environments are read from: the repository's environments/ unless a benchmark
// or a test points elsewhere. Set here so that the pages' loader sees one value.
process.env.GEOSTAGE_ENVIRONMENTS_DIR ||= fileURLToPath(new URL('../environments', import.meta.url));

// GitHub Pages serves a project site under /<repo>/; every internal link goes through links.ts.
// links.ts reads the normalised value back at render time (prerendering runs in this process).
const base = `/${(process.env.GEOSTAGE_SITE_BASE || '/').replace(/^\/+|\/+$/g, '')}/`.replace('//', '/');
process.env.GEOSTAGE_SITE_BASE = base;

export default defineConfig({
  base,
  // Links and assets are made relative to each page by src/middleware.ts, so that site/dist
  // opens from the file system.
  trailingSlash: 'always',
  build: { format: 'directory', inlineStylesheets: 'never' },
  devToolbar: { enabled: false },
  // No client JavaScript: every page is plain HTML and one stylesheet.
  prefetch: false,
  vite: {
    // The workspace packages are TypeScript sources (explicit .ts imports); Vite compiles them.
    // js-yaml is bundled too: left external, the prerendered chunks would resolve it from the
    // output folder upward and find site/node_modules/js-yaml (Astro's 4.x), not the 5.x that
    // @geostage/schema and @geostage/reach import.
    ssr: { noExternal: [/^@geostage\//] },
    resolve: { noExternal: ['js-yaml'] },
  },
});
