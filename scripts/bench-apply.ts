// Benchmark of apply to booted machines (issue 16), as a user runs it: a synthetic hub-and-spoke
// environment of Linux routers (so apply converts nothing) with 10 sites x (1 router + 2 servers)
// = 30 machines, and a one-site environment of the same shape with 1 router + 1 server (the
// "one machine" baseline: each phase there runs on one machine). For each, in a scratch
// repository: `secrets init`, `generate`, then per round `lab up --machines` (a fresh lab: every
// machine boots from the read-only image with an empty overlay, and apply's state is gone),
// `apply --inventory .lab/inventory.yaml --phase P --parallel 10` for the routers, tunnel-check
// and server-networking phases (one CLI run each, summed), `lab down`. Rounds alternate between
// the two environments. Root only (namespaces, systemd-nspawn); prints a table of medians.
// Usage: sudo node scripts/bench-apply.ts [rounds=3]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';

const repository = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const main = join(repository, 'packages', 'cli', 'src', 'main.ts');
const rounds = Number(process.argv[2] ?? 3);
const parallel = 10;
const PHASES = ['routers', 'tunnel-check', 'server-networking'] as const;

function topology(name: string, sites: number, serversPerSite: number): unknown {
  const site = (index: number) => `s${String(index).padStart(2, '0')}`;
  return {
    name,
    description: `Synthetic: ${sites} sites of Linux routers around one hub, ${serversPerSite} servers each.`,
    sites: Array.from({ length: sites }, (_, index) => ({
      name: site(index),
      router: {
        name: `r${site(index)}`,
        os: 'linux',
        wan: { interface: 'eth0', address: `100.64.0.${index + 1}/16` },
      },
      segments: [
        { name: 'lan', prefix: `10.${index + 1}.0.0/24`, gateway: `10.${index + 1}.0.1`, interface: 'eth1' },
      ],
    })),
    servers: Array.from({ length: sites * serversPerSite }, (_, index) => {
      const at = Math.floor(index / serversPerSite);
      const number = (index % serversPerSite) + 1;
      return {
        name: `${site(at)}-n${number}`,
        site: site(at),
        address: `10.${at + 1}.0.${10 + number}`,
        roles: ['worker'],
      };
    }),
    vpn: { policy: { type: 'hub-and-spoke', hubs: [site(0)] } },
  };
}

interface Bench {
  environment: string;
  label: string;
  machines: number;
  scratch: string;
  /** Seconds per round: lab up, each phase, lab down. */
  rounds: Record<string, number>[];
}

function run(bench: Bench, args: string[]): { seconds: number; ok: boolean; last: string } {
  const started = Date.now();
  const ran = spawnSync(process.execPath, [main, ...args], { cwd: bench.scratch, encoding: 'utf8' });
  const seconds = (Date.now() - started) / 1000;
  const last = `${ran.stdout}${ran.stderr}`.trim().split('\n').slice(-15).join('\n');
  const ok = ran.status === 0;
  console.error(
    `  ${bench.environment}: ${args.slice(0, 2).join(' ')} ${args.includes('--phase') ? args[args.indexOf('--phase') + 1] : ''}: ${seconds.toFixed(1)} s, exit ${ran.status}${ok ? '' : `:\n${last}`}`,
  );
  return { seconds, ok, last };
}

function prepare(environment: string, label: string, sites: number, serversPerSite: number): Bench {
  const scratch = mkdtempSync(join(tmpdir(), `gs-bench-apply-${environment}-`));
  writeFileSync(join(scratch, 'nx.json'), '{}\n');
  mkdirSync(join(scratch, 'environments', environment), { recursive: true });
  writeFileSync(
    join(scratch, 'environments', environment, 'topology.yaml'),
    stringify(topology(environment, sites, serversPerSite)),
  );
  const bench: Bench = { environment, label, machines: sites * (1 + serversPerSite), scratch, rounds: [] };
  for (const args of [
    ['secrets', 'init', environment],
    ['generate', environment],
  ])
    if (!run(bench, args).ok) throw new Error(`bench-apply: ${args.join(' ')} failed for ${environment}`);
  return bench;
}

/** One round from a fresh lab: up, the three phases, down. False when a step failed. */
function round(bench: Bench): boolean {
  const times: Record<string, number> = {};
  const lab = join(bench.scratch, 'environments', bench.environment, '.lab');
  const up = run(bench, ['lab', 'up', bench.environment, '--machines']);
  times['lab up'] = up.seconds;
  let ok = up.ok;
  if (ok)
    for (const phase of PHASES) {
      const applied = run(bench, [
        'apply',
        bench.environment,
        '--inventory',
        join(lab, 'inventory.yaml'),
        '--phase',
        phase,
        '--parallel',
        String(parallel),
      ]);
      times[phase] = applied.seconds;
      if (!applied.ok) {
        ok = false;
        break;
      }
    }
  times['lab down'] = run(bench, ['lab', 'down', bench.environment]).seconds;
  // lab down removes .lab (with apply's state under .lab/.apply); make sure the next round starts bare.
  if (existsSync(lab)) rmSync(lab, { recursive: true, force: true });
  if (ok) bench.rounds.push(times);
  return ok;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
const applySum = (times: Record<string, number>) =>
  PHASES.reduce((sum, phase) => sum + (times[phase] ?? 0), 0);

if (process.getuid?.() !== 0) {
  console.error('bench-apply: needs root (network namespaces, systemd-nspawn)');
  process.exit(2);
}
const benches: Bench[] = [];
const loads: number[] = [];
let failed = false;
try {
  benches.push(prepare('bench-apply-30', '10 sites x (router + 2 servers)', 10, 2));
  benches.push(prepare('bench-apply-1', '1 site x (router + 1 server)', 1, 1));
  for (let index = 0; index < rounds && !failed; index++)
    for (const bench of benches) {
      console.error(`round ${index + 1}/${rounds}: ${bench.environment}`);
      loads.push(loadavg()[0]!);
      if (!round(bench)) {
        failed = true;
        break;
      }
    }
} finally {
  for (const bench of benches) {
    if (existsSync(join(bench.scratch, 'environments', bench.environment, '.lab')))
      run(bench, ['lab', 'down', bench.environment]);
    rmSync(bench.scratch, { recursive: true, force: true });
  }
}

const seconds = (value: number) => `${value.toFixed(1)} s`;
console.log(
  `\nbench-apply: --parallel ${parallel}, median of ${Math.min(...benches.map((bench) => bench.rounds.length))} rounds from a fresh lab, ${cpus().length} cores, load average at round start ${loads.map((load) => load.toFixed(1)).join(', ')}\n`,
);
const columns = ['lab up', ...PHASES, 'lab down'];
console.log(`| environment | machines | ${columns.join(' | ')} | apply (3 phases) | rounds (apply) |`);
console.log(`|---|---:|${columns.map(() => '---:').join('|')}|---:|---|`);
for (const bench of benches) {
  if (bench.rounds.length === 0) {
    console.log(`| ${bench.label} | ${bench.machines} | (no complete round) |`);
    continue;
  }
  const cells = columns.map((column) => seconds(median(bench.rounds.map((times) => times[column] ?? 0))));
  const sums = bench.rounds.map(applySum);
  console.log(
    `| ${bench.label} | ${bench.machines} | ${cells.join(' | ')} | ${seconds(median(sums))} | ${sums.map((sum) => sum.toFixed(1)).join(', ')} |`,
  );
}
const [many, one] = benches;
if (many?.rounds.length && one?.rounds.length) {
  const ratio = median(many.rounds.map(applySum)) / median(one.rounds.map(applySum));
  console.log(
    `\nratio, apply of ${many.machines} machines / one machine: ${ratio.toFixed(2)}x (target under 4x)`,
  );
}
process.exit(failed ? 1 : 0);
