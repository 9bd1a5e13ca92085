// Benchmark of the site build at scale: a synthetic hub-and-spoke environment of 1,000 sites
// with 10 servers each, generated with the real generators, then `astro build` against it.
// Usage: npx node scripts/bench-site.ts [sites] [servers-per-site] [--wan]   (target: under 60 s)
// --wan: every site gets coordinates (spread over the globe) and the lab emulates the WAN, so
// the environment page carries the WAN section (heatmaps up to 200 sites, the map).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { regenerateFolder, repositoryEnvironment } from '@geostage/environment';
import { formatDiagnostic } from '@geostage/schema';
import { stringify } from 'yaml';

const repository = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const numbers = process.argv.slice(2).filter((argument) => !argument.startsWith('--'));
const siteCount = Number(numbers[0] ?? 1000);
const perSite = Number(numbers[1] ?? 10);
const withWan = process.argv.includes('--wan');

/** The topology as data: site i gets LAN 10.<hi>.<lo>.0/24 and WAN 100.64.<hi>.<lo>/16. */
function topology(sites: number, servers: number, wan: boolean): unknown {
  const name = (index: number) => `s${String(index).padStart(4, '0')}`;
  const octets = (index: number): [number, number] => [Math.floor(index / 250) + 1, index % 250];
  return {
    name: 'bench',
    description: `Synthetic: ${sites} sites around one hub, ${servers} servers each.`,
    sites: Array.from({ length: sites }, (_, index) => {
      const [high, low] = octets(index);
      // A golden-angle spiral: deterministic, spread over every continent and ocean.
      const latitude = Math.round((Math.asin(1 - (2 * (index + 0.5)) / sites) * 18000) / Math.PI) / 100;
      const location = { latitude, longitude: Math.round(((index * 137.508) % 360) - 180) };
      return {
        name: name(index),
        ...(wan ? { location } : {}),
        router: {
          name: `r${name(index)}`,
          os: 'vyos',
          release: '1.4',
          wan: { interface: 'eth0', address: `100.64.${high}.${low + 1}/16` },
        },
        segments: [
          {
            name: 'lan',
            prefix: `10.${high}.${low}.0/24`,
            gateway: `10.${high}.${low}.1`,
            interface: 'eth1',
          },
        ],
      };
    }),
    servers: Array.from({ length: sites }, (_, index) => {
      const [high, low] = octets(index);
      return Array.from({ length: servers }, (__, slot) => ({
        name: `${name(index)}-n${String(slot + 1).padStart(2, '0')}`,
        site: name(index),
        address: `10.${high}.${low}.${slot + 10}`,
        roles:
          index === 0 && slot === 0
            ? ['load-balancer']
            : index < 3 && slot === 1
              ? ['control-plane']
              : ['worker'],
      }));
    }).flat(),
    vpn: {
      policy: { type: 'hub-and-spoke', hubs: [name(0)] },
      pool: '10.255.0.0/16',
      authentication: 'tls',
      cipher: 'aes-256-gcm',
    },
    // /24 per node: 10,000 nodes need a /10 of pod addresses.
    kubernetes: {
      version: '1.33.2',
      podSubnet: '172.64.0.0/10',
      serviceSubnet: '10.96.0.0/12',
      cni: { name: 'calico', encapsulation: 'ipip', mtu: 'auto' },
      controlPlaneEndpoint: { loadBalancer: `${name(0)}-n01` },
    },
    applications: [
      {
        name: 'hello-world',
        image: 'nginx:1.27',
        ports: [{ name: 'http', port: 80 }],
        replicas: { perSite: 1 },
      },
    ],
    ...(wan ? { wan: { emulate: 'lab' } } : {}),
  };
}

/** Writes <folder>/generated/{network,cluster} the way `geostage generate` does; the file count. */
async function generateEnvironment(folder: string, name: string): Promise<number> {
  const result = await regenerateFolder(folder, repositoryEnvironment('', name).topology);
  if (!result.ok) throw new Error(result.diagnostics.map((d) => formatDiagnostic(d)).join('\n'));
  return result.files;
}

function countPages(folder: string): number {
  let pages = 0;
  for (const entry of readdirSync(folder)) {
    const path = join(folder, entry);
    if (statSync(path).isDirectory()) pages += countPages(path);
    else if (entry === 'index.html') pages += 1;
  }
  return pages;
}

// Inside the repository (tmp/ is git-ignored): the prerendered chunks resolve node_modules upward.
mkdirSync(join(repository, 'tmp'), { recursive: true });
const work = mkdtempSync(join(repository, 'site', '.bench-build-'));
const keep = process.env.GEOSTAGE_BENCH_KEEP === '1';
try {
  const environment = join(work, 'environments', 'bench');
  mkdirSync(environment, { recursive: true });
  writeFileSync(join(environment, 'topology.yaml'), stringify(topology(siteCount, perSite, withWan)));
  let started = performance.now();
  const files = await generateEnvironment(environment, 'bench');
  const generateSeconds = (performance.now() - started) / 1000;

  const dist = join(work, 'dist');
  started = performance.now();
  // Run from the work folder: Astro keeps its prerender chunks in <cwd>/.astro when the output
  // folder is outside the working directory, which would collide with a concurrent site build.
  const build = spawnSync(
    process.execPath,
    [astroBin(repository), 'build', '--root', join(repository, 'site'), '--outDir', dist],
    {
      cwd: work,
      env: {
        ...process.env,
        PATH: `${join(repository, 'node_modules/node/bin')}:${process.env.PATH}`,
        ASTRO_TELEMETRY_DISABLED: '1',
        GEOSTAGE_ENVIRONMENTS_DIR: join(work, 'environments'),
      },
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
    },
  );
  const buildSeconds = (performance.now() - started) / 1000;
  if (build.status !== 0) {
    console.error(build.stdout.slice(-4000), build.stderr.slice(-4000));
    process.exitCode = 1;
  } else {
    const rows: [string, string][] = [
      ['sites', String(siteCount)],
      ['servers', String(siteCount * perSite)],
      ['generated files', String(files)],
      ['generate seconds', generateSeconds.toFixed(1)],
      ['pages', String(countPages(dist))],
      ['build seconds', buildSeconds.toFixed(1)],
      ['target', buildSeconds < 60 ? 'met (< 60 s)' : 'MISSED (>= 60 s)'],
    ];
    for (const [key, value] of rows) console.log(`${key.padEnd(18)} ${value}`);
  }
} finally {
  if (keep) console.log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}

/** The astro CLI as the site package resolves it (npm may nest it under site/node_modules). */
function astroBin(root: string): string {
  const manifest = createRequire(join(root, 'site', 'package.json')).resolve('astro/package.json');
  return join(dirname(manifest), 'bin', 'astro.mjs');
}
