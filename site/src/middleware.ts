// Links relative to each page (relative-links.ts), made as each page is prerendered: rewriting
// the built files afterwards read and wrote the whole output again (240 MB at 10,000 sites).
import type { MiddlewareHandler } from 'astro';
import { pageFile, relativeHtml } from './lib/relative-links.ts';

export const onRequest: MiddlewareHandler = async (context, next) => {
  const response = await next();
  if (!response.headers.get('content-type')?.includes('text/html')) return response;
  const base = process.env.GEOSTAGE_SITE_BASE ?? '/';
  const html = relativeHtml(await response.text(), pageFile(context.url.pathname, base), base);
  return new Response(html, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
};
