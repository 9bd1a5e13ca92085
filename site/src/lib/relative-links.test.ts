import { describe, expect, it } from 'vitest';
import { pageFile, relativeHtml } from './relative-links.ts';

describe('relativeHtml: the built site opens from the file system', () => {
  const page = 'keio-2019/devices/vyos01/index.html';

  it('makes stylesheets and pages relative to the page, naming index.html', () => {
    const html =
      '<link rel="stylesheet" href="/geostage/_astro/environments.css"><a href="/geostage/">home</a>' +
      '<a href="/geostage/keio-2019/sites/site1/#server-lb">site1</a><a href="/geostage/keio-2019/devices/vyos01/">me</a>';
    expect(relativeHtml(html, page, '/geostage/')).toBe(
      '<link rel="stylesheet" href="../../../_astro/environments.css"><a href="../../../index.html">home</a>' +
        '<a href="../../sites/site1/index.html#server-lb">site1</a><a href="index.html">me</a>',
    );
  });

  it('works from the home page and under the root base', () => {
    expect(relativeHtml('<a href="/keio-2019/">k</a><link href="/_astro/a.css">', 'index.html', '/')).toBe(
      '<a href="keio-2019/index.html">k</a><link href="_astro/a.css">',
    );
  });

  it('leaves fragments, outside links and text alone', () => {
    const html =
      '<a href="#content">skip</a><a href="https://example.org/">x</a><code>&lt;a href="/geostage/x"&gt;</code>' +
      '<rect aria-label="a -> b" data-href="/geostage/y"/>';
    expect(relativeHtml(html, page, '/geostage/')).toBe(html);
  });
});

describe('pageFile: the built file of a prerendered page', () => {
  it('names index.html under the base, and at the root', () => {
    expect(pageFile('/geostage/keio-2019/devices/vyos01/', '/geostage/')).toBe(
      'keio-2019/devices/vyos01/index.html',
    );
    expect(pageFile('/geostage/', '/geostage/')).toBe('index.html');
    expect(pageFile('/', '/')).toBe('index.html');
  });
});
