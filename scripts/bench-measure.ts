// Benchmark of the lab's WAN at scale, as a user runs it: a synthetic hub-and-spoke environment
// of N sites (Linux routers, 1 server each, coordinates spread over the globe, the WAN emulated
// in the lab), then `geostage lab up`, `geostage measure --quick` and `geostage lab down` in a
// scratch repository, each timed. Root only (network namespaces); prints a table.
// Usage: sudo npx node scripts/bench-measure.ts [sites=30]
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';

const repository = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const main = join(repository, 'packages', 'cli', 'src', 'main.ts');
const sites = Number(process.argv[2] ?? 30);

function topology(count: number): unknown {
  const name = (index: number) => `s${String(index).padStart(3, '0')}`;
  return {
    name: 'bench-wan',
    description: `Synthetic: ${count} sites around one hub, one server each, the WAN from coordinates.`,
    sites: Array.from({ length: count }, (_, index) => ({
      name: name(index),
      // A golden-angle spiral: deterministic, spread over the globe.
      location: {
        latitude: Math.round((Math.asin(1 - (2 * (index + 0.5)) / count) * 18000) / Math.PI) / 100,
        longitude: Math.round(((index * 137.508) % 360) - 180),
      },
      router: {
        name: `r${name(index)}`,
        os: 'linux',
        wan: { interface: 'eth0', address: `100.64.0.${index + 1}/16` },
      },
      segments: [
        { name: 'lan', prefix: `10.${index + 1}.0.0/24`, gateway: `10.${index + 1}.0.1`, interface: 'eth1' },
      ],
    })),
    servers: Array.from({ length: count }, (_, index) => ({
      name: `${name(index)}-n1`,
      site: name(index),
      address: `10.${index + 1}.0.10`,
      roles: ['worker'],
    })),
    vpn: { policy: { type: 'hub-and-spoke', hubs: [name(0)] } },
    wan: { emulate: 'lab' },
  };
}

if (process.getuid?.() !== 0) {
  console.error('bench-measure: needs root (network namespaces)');
  process.exit(2);
}
const scratch = mkdtempSync(join(tmpdir(), 'gs-bench-measure-'));
writeFileSync(join(scratch, 'nx.json'), '{}\n');
mkdirSync(join(scratch, 'environments', 'bench-wan'), { recursive: true });
writeFileSync(join(scratch, 'environments', 'bench-wan', 'topology.yaml'), stringify(topology(sites)));

const rows: [string, string, string][] = [];
function step(label: string, args: string[]): boolean {
  const started = Date.now();
  const ran = spawnSync(process.execPath, [main, ...args], { cwd: scratch, encoding: 'utf8' });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const last = `${ran.stdout}${ran.stderr}`.trim().split('\n').at(-1) ?? '';
  rows.push([label, `${seconds} s`, `exit ${ran.status}: ${last.slice(0, 100)}`]);
  return ran.status === 0 || (label.startsWith('measure') && ran.status === 1);
}
try {
  if (step('lab up', ['lab', 'up', 'bench-wan']))
    step('measure --quick', ['measure', 'bench-wan', '--quick']);
} finally {
  step('lab down', ['lab', 'down', 'bench-wan']);
  rmSync(scratch, { recursive: true, force: true });
}
console.log(
  `\nbench-measure: ${sites} sites hub-and-spoke (${sites - 1} tunnels, ${(sites * (sites - 1)) / 2} site pairs), ${cpus().length} cores\n`,
);
console.log('| step | wall time | result |\n|---|---:|---|');
for (const row of rows) console.log(`| ${row.join(' | ')} |`);
