// The published site, as a reader sees it: build it once (real `astro build`, under a base path
// like GitHub Pages uses), serve it on loopback, and drive Debian's chromium through it.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { generateInPlace } from '@geostage/environment';
import { loadTopologyFile, resolve as resolveTopology } from '@geostage/schema';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type StaticServer, serveDirectory } from './static-server.ts';

const repository = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
// Inside site/ so that Astro's prerender chunks resolve packages through site/node_modules.
const work = join(repository, 'site', '.test-build');
const screenshots = join(repository, 'test-results', 'screenshots');
const dist = join(work, 'dist');
const BASE = '/geostage/';
const reference = JSON.parse(readFileSync(join(repository, 'test/fixtures/keio-2019.json'), 'utf8')) as {
  reachability: { before_vpn: Record<string, Record<string, boolean>> };
};
const SERVERS = ['lb', 'master01', 'master02', 'master03', 'node01', 'node02', 'node03', 'node04'];

let server: StaticServer;
let browser: Browser;

/** The site's wan.json fixture (not a measurement), placed as global-hub/results/wan.json in the copy. */
const WAN_FIXTURE = join(repository, 'site/test/fixtures/wan-global-hub.json');

/**
 * A copy of the repository's environments (topology, generated folders, results, scenarios; generated here
 * where the repository has none), with the wan.json fixture as global-hub's and none for
 * wide-2012: the repository's own results/ never hold a fixture.
 */
async function environmentsDirectory(): Promise<string> {
  const source = join(repository, 'environments');
  const names = readdirSync(source).filter((name) => existsSync(join(source, name, 'topology.yaml')));
  const copy = join(work, 'environments');
  rmSync(copy, { recursive: true, force: true });
  for (const name of names) {
    cpSync(join(source, name, 'topology.yaml'), join(copy, name, 'topology.yaml'));
    for (const part of ['results', 'scenarios']) {
      const from = join(source, name, part);
      if (existsSync(from)) cpSync(from, join(copy, name, part), { recursive: true });
    }
    const generated = ['network', 'cluster'].every((kind) =>
      existsSync(join(source, name, 'generated', kind, 'index.json')),
    );
    if (generated)
      cpSync(join(source, name, 'generated'), join(copy, name, 'generated'), { recursive: true });
    else await generateInPlace(join(copy, name), name);
  }
  cpSync(WAN_FIXTURE, join(copy, 'global-hub', 'results', 'wan.json'));
  // wide-2012 as before its first measurement, whatever the repository holds: the page must say
  // how to measure.
  rmSync(join(copy, 'wide-2012', 'results', 'wan.json'), { force: true });
  return copy;
}

beforeAll(async () => {
  mkdirSync(screenshots, { recursive: true });
  const environments = await environmentsDirectory();
  // cwd = work: with the output outside cwd, Astro would put its prerender chunks in site/.astro,
  // shared with any concurrent `nx run site:build`.
  mkdirSync(work, { recursive: true });
  const astro = spawnSync(
    process.execPath,
    [astroBin(repository), 'build', '--root', join(repository, 'site'), '--outDir', dist],
    {
      cwd: work,
      env: {
        ...process.env,
        PATH: `${join(repository, 'node_modules/node/bin')}:${process.env.PATH}`,
        ASTRO_TELEMETRY_DISABLED: '1',
        GEOSTAGE_SITE_BASE: BASE,
        GEOSTAGE_ENVIRONMENTS_DIR: environments,
      },
      encoding: 'utf8',
    },
  );
  if (astro.status !== 0) throw new Error(`astro build failed:\n${astro.stdout}\n${astro.stderr}`);
  server = await serveDirectory(dist, BASE);
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function open(path: string, width = 1280): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  // Offline: anything not served by our own server is a defect (CDN fonts, scripts).
  const outside: string[] = [];
  await page.route('**/*', (route) => {
    if (route.request().url().startsWith(server.origin)) return route.continue();
    outside.push(route.request().url());
    return route.abort();
  });
  const response = await page.goto(`${server.origin}${BASE}${path}`);
  expect(response?.status(), path).toBe(200);
  expect(outside, 'requests leaving the site').toEqual([]);
  return page;
}

async function matrix(page: Page, id: string): Promise<Record<string, Record<string, string>>> {
  return page.$eval(`table[data-matrix="${id}"]`, (table) => {
    const cells: Record<string, Record<string, string>> = {};
    for (const cell of table.querySelectorAll('td[data-from]')) {
      const from = cell.getAttribute('data-from')!;
      cells[from] ??= {};
      cells[from][cell.getAttribute('data-to')!] = cell.getAttribute('data-value')!;
    }
    return cells;
  });
}

async function seriousViolations(page: Page): Promise<string[]> {
  const axe = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
  await page.addScriptTag({ path: axe });
  type Axe = {
    run(): Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }>;
  };
  // The callback runs in the page, where axe-core defines a global `axe`.
  const results = await page.evaluate(() => (globalThis as unknown as { axe: Axe }).axe.run());
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      (violation) =>
        `${violation.id} (${violation.impact}): ${violation.nodes
          .slice(0, 3)
          .map((node) => node.target.join(' '))
          .join('; ')}`,
    );
}

describe('keio-2019 environment page', () => {
  test('the after-VPN table is 8x8 with every server reaching every other', async () => {
    const page = await open('keio-2019/');
    expect(await page.getAttribute('[data-source]', 'data-source')).toBe('reach');
    const after = await matrix(page, 'after');
    expect(Object.keys(after)).toEqual(SERVERS);
    for (const from of SERVERS) {
      expect(Object.keys(after[from]!)).toEqual(SERVERS);
      for (const to of SERVERS) expect(after[from]![to], `${from} -> ${to}`).toBe(from === to ? '-' : 'o');
    }
    await page.close();
  });

  test('the before-VPN table matches the thesis table 4.6 cell by cell', async () => {
    const page = await open('keio-2019/');
    const before = await matrix(page, 'before');
    const expected = reference.reachability.before_vpn;
    for (const from of SERVERS) {
      for (const to of SERVERS) {
        const want = from === to ? '-' : expected[from]![to] ? 'o' : 'x';
        expect(before[from]?.[to], `${from} -> ${to}`).toBe(want);
      }
    }
    await page.close();
  });

  test('the topology picture shows 3 sites and 3 tunnels', async () => {
    const page = await open('keio-2019/');
    const svg = page.locator('svg.topology');
    await expect.poll(() => svg.locator('[data-site]').count()).toBe(3);
    expect(await svg.locator('[data-tunnel]').count()).toBe(3);
    expect(await svg.locator('[data-tunnel] title').allTextContents()).toEqual(
      expect.arrayContaining([expect.stringContaining('10.255.0.0 (udp')]),
    );
    for (const device of ['vyos01', 'vyos02', 'vyos03', ...SERVERS]) {
      expect(await svg.locator(`a[data-device="${device}"]`).count(), device).toBe(1);
    }
    await page.close();
  });

  test("a router's generated file is one click from its node, then one more", async () => {
    const page = await open('keio-2019/');
    await page.click('svg.topology a[data-device="vyos01"]');
    await page.waitForURL(`**${BASE}keio-2019/devices/vyos01/index.html`);
    await page.click('a:has-text("routers/vyos01/config.set")');
    await page.waitForURL(`**${BASE}keio-2019/files/network/routers/vyos01/config.set/index.html`);
    const code = await page.textContent('.code');
    expect(code).toContain('set interfaces openvpn vtun2');
    // Highlighted by Shiki at build time: coloured spans, no client script.
    expect(await page.locator('.code pre.astro-code span[style*="color"]').count()).toBeGreaterThan(10);
    expect(await page.locator('script').count()).toBe(0);
    await page.close();
  });
});

/** A heatmap's cells with their data-* attributes (values in text, no colours read). */
async function heatmap(
  page: Page,
  id: string,
): Promise<Record<string, Record<string, Record<string, string | null>>>> {
  return page.$eval(`table[data-matrix="${id}"]`, (table) => {
    const cells: Record<string, Record<string, Record<string, string | null>>> = {};
    for (const cell of table.querySelectorAll('td[data-from]')) {
      const from = cell.getAttribute('data-from')!;
      cells[from] ??= {};
      cells[from][cell.getAttribute('data-to')!] = {
        value: cell.getAttribute('data-value'),
        step: cell.getAttribute('data-step'),
        measured: cell.getAttribute('data-measured'),
        agrees: cell.getAttribute('data-agrees'),
        disagree: String(cell.classList.contains('disagree')),
        text: cell.textContent,
      };
    }
    return cells;
  });
}

describe('the WAN section', () => {
  const GLOBAL_SITES = ['tokyo', 'osaka', 'berlin', 'campus'];

  async function globalHubWan() {
    const loaded = await loadTopologyFile(join(repository, 'environments/global-hub/topology.yaml'));
    return resolveTopology(loaded.topology!).wan;
  }

  test("global-hub's RTT heatmap has Tokyo-Berlin's round trip from coordinates (about 8,900 km)", async () => {
    const wan = await globalHubWan();
    const path = wan.paths.find((candidate) => candidate.a === 'tokyo' && candidate.b === 'berlin')!;
    expect(path.delayMs.source.kind).toBe('coordinates');
    const distance = path.delayMs.source.kind === 'coordinates' ? path.delayMs.source.distanceKm : 0;
    expect(Math.round(distance / 100) * 100).toBe(8900);
    const page = await open('global-hub/');
    expect(await page.locator('nav[aria-label="On this page"] a[href="#wan"]').count()).toBe(1);
    expect(await page.getAttribute('[data-wan-emulate]', 'data-wan-emulate')).toBe('lab');
    const rtt = await heatmap(page, 'wan-rtt');
    expect(Object.keys(rtt)).toEqual(GLOBAL_SITES);
    expect(rtt.tokyo!.berlin!.value).toBe(path.rttMs.toFixed(1));
    expect(rtt.berlin!.tokyo!.value).toBe(path.rttMs.toFixed(1));
    expect(rtt.tokyo!.tokyo!.value).toBe('-');
    expect(
      await page.getAttribute(
        'table[data-matrix="wan-rtt"] td[data-from="tokyo"][data-to="berlin"]',
        'title',
      ),
    ).toContain('coordinates (89');
    const rate = await heatmap(page, 'wan-rate');
    expect(rate.tokyo!.osaka!.value).toBe('unlimited');
    // Both heatmaps have a legend with the steps' numbers.
    expect(
      await page.locator('ul.legend[aria-label^="Colour steps"] li', { hasText: '50-150 ms' }).count(),
    ).toBe(1);
    await page.close();
  });

  test('the map shows the 4 sites and the 3 tunnels, coloured by round trip like the heatmap', async () => {
    const page = await open('global-hub/');
    const map = page.locator('svg.wan-map');
    expect(await map.locator('[data-site]').count()).toBe(4);
    for (const site of GLOBAL_SITES)
      expect(await map.locator(`a[data-site="${site}"]`).count(), site).toBe(1);
    expect(await map.locator('[data-tunnel]').count()).toBe(3);
    const rtt = await heatmap(page, 'wan-rtt');
    expect(await map.locator('[data-tunnel="tokyo--berlin"]').getAttribute('data-step')).toBe(
      rtt.tokyo!.berlin!.step,
    );
    expect(await map.locator('text', { hasText: 'campus' }).count()).toBe(1);
    await page.close();
  });

  test('measured cells show beside configured ones, and disagreements are marked (wan.json fixture)', async () => {
    const page = await open('global-hub/');
    expect(await page.getAttribute('[data-wan-measured]', 'data-wan-measured')).toBe('2026-12-01T12:00:00Z');
    const rtt = await heatmap(page, 'wan-rtt');
    expect(rtt.tokyo!.berlin).toMatchObject({ measured: '138.5', agrees: 'true', disagree: 'false' });
    expect(rtt.tokyo!.berlin!.text).toContain('138.5 (138.2-139.4)');
    expect(rtt.osaka!.berlin).toMatchObject({ measured: '190.2', agrees: 'false', disagree: 'true' });
    expect(rtt.berlin!.osaka!.text).toContain('(disagrees)');
    const rate = await heatmap(page, 'wan-rate');
    expect(rate.osaka!.berlin).toMatchObject({ measured: '88.1', agrees: 'true' });
    expect(rate.tokyo!.campus).toMatchObject({ measured: '61.8', agrees: 'false', disagree: 'true' });
    const note = page.locator('[data-wan-disagreements]');
    expect(await note.getAttribute('data-wan-disagreements')).toBe('2');
    expect(await note.textContent()).toContain('osaka - berlin: RTT 190.2 ms');
    await page.close();
  });

  test('wide-2012 without a wan.json says how to measure; keio-2019 has no WAN section', async () => {
    const wide = await open('wide-2012/');
    expect(await wide.getAttribute('[data-wan-measured]', 'data-wan-measured')).toBe('none');
    expect(await wide.textContent('[data-wan-measured]')).toContain('sudo npx geostage measure wide-2012');
    const rtt = await heatmap(wide, 'wan-rtt');
    for (const from of Object.keys(rtt)) {
      for (const to of Object.keys(rtt))
        expect(rtt[from]![to]!.value, `${from} -> ${to}`).toBe(from === to ? '-' : '20');
    }
    expect(await wide.locator('svg.wan-map').count()).toBe(0);
    await wide.close();
    const keio = await open('keio-2019/');
    expect(await keio.locator('#wan').count()).toBe(0);
    expect(await keio.locator('a[href="#wan"]').count()).toBe(0);
    await keio.close();
  });
});

const PAGE_TYPES = {
  index: '',
  environment: 'keio-2019/',
  site: 'keio-2019/sites/site1/',
  router: 'keio-2019/devices/vyos01/',
  server: 'keio-2019/devices/master01/',
  file: 'keio-2019/files/network/routers/vyos01/config.set/',
  'hub-and-spoke': 'global-hub/',
} as const;

describe('every page type', () => {
  for (const [type, path] of Object.entries(PAGE_TYPES)) {
    test(`${type}: no serious accessibility violations; screenshots`, async () => {
      const page = await open(path);
      expect(await seriousViolations(page)).toEqual([]);
      await page.screenshot({ path: join(screenshots, `${type}.png`), fullPage: true });
      await page.setViewportSize({ width: 390, height: 844 });
      await page.screenshot({ path: join(screenshots, `${type}-phone.png`), fullPage: false });
      // Nothing but wide tables and the picture scrolls sideways on a phone: the page itself fits.
      const overflow = await page.evaluate(() => {
        const { document, innerWidth } = globalThis as unknown as {
          document: { documentElement: { scrollWidth: number } };
          innerWidth: number;
        };
        return document.documentElement.scrollWidth - innerWidth;
      });
      expect(overflow).toBeLessThanOrEqual(1);
      await page.close();
    });
  }

  test('every internal link of the keio-2019 pages stays under the base path and resolves', async () => {
    const seen = new Set<string>();
    for (const path of Object.values(PAGE_TYPES)) {
      const page = await open(path);
      const hrefs = await page.$$eval('a[href]', (anchors) =>
        anchors.map((anchor) => anchor.getAttribute('href')!),
      );
      for (const href of hrefs) {
        if (href.startsWith('#')) continue;
        // Relative to the page (so that the site opens from the file system), under the base once resolved.
        expect(href, `link on ${path}`).not.toMatch(/^(\/|[a-z]+:)/);
        const resolved = new URL(href, page.url()).pathname;
        expect(resolved, `link ${href} on ${path}`).toMatch(new RegExp(`^${BASE}`));
        seen.add(resolved);
      }
      await page.close();
    }
    for (const href of seen) {
      const response = await fetch(`${server.origin}${href}`);
      expect(response.status, href).toBe(200);
    }
  });
});

describe('opened from the file system (file://site/dist/index.html, as the main job says)', () => {
  test('pages have their styles and picture, and links lead from page to page', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const failed: string[] = [];
    page.on('requestfailed', (request) => failed.push(request.url()));
    await page.goto(pathToFileURL(join(dist, 'index.html')).href);
    await page.click('a:has-text("keio-2019")');
    await page.waitForURL('**/keio-2019/index.html');
    // Styled: the stylesheet loaded, so the picture's boxes are not the default black fill.
    type Window = {
      document: { styleSheets: { length: number }; querySelector(selector: string): unknown };
      getComputedStyle(element: unknown): { fill: string };
    };
    const styled = await page.evaluate(() => {
      const window = globalThis as unknown as Window;
      const box = window.document.querySelector('svg.topology [data-site] rect');
      return { sheets: window.document.styleSheets.length, fill: window.getComputedStyle(box).fill };
    });
    expect(styled.sheets).toBe(1);
    expect(styled.fill).not.toBe('rgb(0, 0, 0)');
    await page.click('svg.topology a[data-device="vyos01"]');
    await page.waitForURL('**/keio-2019/devices/vyos01/index.html');
    expect(await page.textContent('h1')).toContain('vyos01');
    expect(failed).toEqual([]);
    await page.close();
  });
});

describe('weight', () => {
  test('every keio-2019 page weighs under 200 KB of HTML and CSS', () => {
    const pages: string[] = [];
    const walk = (folder: string) => {
      for (const entry of readdirSync(folder)) {
        const path = join(folder, entry);
        if (statSync(path).isDirectory()) walk(path);
        else if (entry.endsWith('.html')) pages.push(path);
      }
    };
    walk(join(dist, 'keio-2019'));
    expect(pages.length).toBeGreaterThan(20);
    for (const path of pages) {
      const html = readFileSync(path, 'utf8');
      const css = [...html.matchAll(/<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"/g)]
        .map((match) => statSync(join(dirname(path), match[1]!)).size)
        .reduce((sum, size) => sum + size, 0);
      expect(Buffer.byteLength(html) + css, path).toBeLessThan(200 * 1024);
    }
  });
});

/** The astro CLI as the site package resolves it (npm may nest it under site/node_modules). */
function astroBin(root: string): string {
  const manifest = createRequire(join(root, 'site', 'package.json')).resolve('astro/package.json');
  return join(dirname(manifest), 'bin', 'astro.mjs');
}

describe('scenarios (issue 13)', () => {
  test('the environment page links its scenarios; each bundled scenario page shows its run', async () => {
    const environmentPage = await open('keio-2019/');
    const linked = await environmentPage.$$eval('[data-list="scenarios"] a', (anchors) =>
      anchors.map((anchor) => anchor.textContent),
    );
    expect(linked).toEqual(['site2-partition', 'tunnel-flap']);
    await environmentPage.close();
    for (const [env, name, phases] of [
      ['keio-2019', 'site2-partition', 4],
      ['keio-2019', 'tunnel-flap', 8],
      ['global-hub', 'hub-restart', 4],
      ['wide-2012', 'wan-degrade', 4],
    ] as const) {
      const page = await open(`${env}/scenarios/${name}/`);
      expect(await page.locator('h1').textContent()).toBe(`Scenario ${name}`);
      expect(await page.locator('[data-table="timeline"] tbody tr').count()).toBe(phases);
      // The committed results: every phase agreed and has a convergence time.
      expect(await page.locator('[data-run]').getAttribute('data-run')).toBe('complete');
      expect(await page.locator('[data-agrees="true"]').count()).toBe(phases);
      expect(await page.locator('td[data-converged]').count()).toBe(phases);
      expect(await page.locator('table[data-matrix^="predicted-"]').count()).toBe(phases);
      expect(await page.locator('table[data-matrix^="measured-"]').count()).toBe(phases);
      expect(await page.locator('td.disagree').count()).toBe(0);
      expect(await seriousViolations(page)).toEqual([]);
      await page.close();
    }
  }, 300_000);

  test('site2-partition: the partition phase predicts and measures every pair to and from site2 lost', async () => {
    const page = await open('keio-2019/scenarios/site2-partition/');
    const cut = async (matrix: string) =>
      page.$$eval(`table[data-matrix="${matrix}"] td[data-value="x"]`, (cells) =>
        cells.map((cell) => `${cell.getAttribute('data-from')} ${cell.getAttribute('data-to')}`).sort(),
      );
    const site2 = new Set(['node01', 'node02']);
    const expected = SERVERS.flatMap((from) =>
      SERVERS.filter((to) => to !== from && site2.has(from) !== site2.has(to)).map((to) => `${from} ${to}`),
    ).sort();
    expect(await cut('predicted-1')).toEqual(expected);
    expect(await cut('measured-1')).toEqual(expected);
    expect(await cut('predicted-2')).toEqual([]);
    await page.close();
  });

  test('wan-degrade: the degraded phase shows dc1--dc2 at 100 ms of WAN round trip, measured above it', async () => {
    const page = await open('wide-2012/scenarios/wan-degrade/');
    const row = page.locator('table[data-table="rtt-1"] tr', { hasText: 'dc1--dc2' });
    const cells = await row.locator('td').allTextContents();
    expect(cells[0]).toBe('100');
    expect(Number(cells[1])).toBeGreaterThanOrEqual(100);
    await page.close();
  });
});
