// The topology picture at the sizes the site promises to stay readable at (3 to 200 sites).
import { loadTopology, resolve, syntheticYaml } from '@geostage/schema';
import { describe, expect, test } from 'vitest';
import { GRID_SITES, topologyPicture } from './picture.ts';

const links = { device: (name: string) => `/d/${name}/`, site: (name: string) => `/s/${name}/` };

function synthetic(sites: number, policy: 'hub-and-spoke' | 'full-mesh') {
  const loaded = loadTopology(syntheticYaml({ sites, serversPerSite: 2, policy }), 'synthetic.yaml');
  if (!loaded.topology) throw new Error(loaded.diagnostics[0]?.message);
  return resolve(loaded.topology, 'synthetic.yaml');
}

function count(svg: string, attribute: string): number {
  return svg.match(new RegExp(` ${attribute}="`, 'g'))?.length ?? 0;
}

describe('topology picture', () => {
  test('200 hub-and-spoke sites: a grid a laptop window is wide enough for, every site and tunnel drawn', async () => {
    const model = synthetic(200, 'hub-and-spoke');
    const svg = await topologyPicture(model, false, links);
    expect(count(svg, 'data-site')).toBe(200);
    expect(count(svg, 'data-tunnel')).toBe(199);
    const width = Number(svg.match(/ width="(\d+)"/)![1]);
    const height = Number(svg.match(/ height="(\d+)"/)![1]);
    expect(width).toBeLessThanOrEqual(1300);
    expect(height).toBeLessThan(2500);
    // The hub sits on the top row, alone.
    expect(svg).toMatch(/data-site="s001" transform="translate\([\d.]+ 0\)"/);
  });

  test(`more than ${GRID_SITES} sites in full mesh: boxes without lines, and a note saying where the tunnels are`, async () => {
    const model = synthetic(30, 'full-mesh');
    const svg = await topologyPicture(model, false, links);
    expect(count(svg, 'data-site')).toBe(30);
    expect(count(svg, 'data-tunnel')).toBe(0);
    expect(svg).toContain('435 tunnels are not drawn; the tunnel table lists them.');
  });
});
