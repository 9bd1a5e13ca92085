// The pipeline benchmark (issue 15): each stage as the CLI command a user runs, in its own
// process, on synthetic environments from `geostage synth`; writes BENCHMARKS.md.
// Usage: npm run bench -- [--sizes 10,100,1000,10000] [--mesh 10,30,60] [--runs 3]
//                         [--timeout 300] [--big-runs 1] [--big-from 10000] [--no-site]
//                         [--output BENCHMARKS.md]
// A stage that passes --timeout seconds is stopped and shown as "> N s"; sizes of 10,000 sites
// and more (--big-from) run --big-runs times (default 1), so the whole bench ends. CI does not
// run it.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, freemem, loadavg, release, tmpdir, totalmem, type } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const repository = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10,100,1000,10000' },
    mesh: { type: 'string', default: '10,30,60' },
    runs: { type: 'string', default: '3' },
    'big-runs': { type: 'string', default: '1' },
    'big-from': { type: 'string', default: '10000' },
    timeout: { type: 'string', default: '300' },
    'no-site': { type: 'boolean', default: false },
    output: { type: 'string', default: 'BENCHMARKS.md' },
  },
});
const list = (text: string) => text.split(',').filter(Boolean).map(Number);
const RUNS = Number(values.runs);
const BIG_RUNS = Number(values['big-runs']);
const BIG_FROM = Number(values['big-from']);
const TIMEOUT_S = Number(values.timeout);
const SERVERS_PER_SITE = 10;

interface Measure {
  ms: number;
  rssMb: number;
  ok: boolean;
  timedOut: boolean;
  /** The last of what the process said on stderr. */
  said: string;
}

interface Stage {
  name: string;
  /** The command as a user types it. */
  shown: string;
  /** Untimed, before each run: what the run must start from. */
  prepare?(env: string, folder: string): void;
  run(env: string, folder: string): Measure;
}

const node = process.execPath;
const cli = join(repository, 'packages/cli/src/main.ts');

/** One process, timed from spawn to exit, with its peak RSS from /usr/bin/time. */
function measure(
  command: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = process.env,
  stdoutFile?: string,
): Measure {
  const rssFile = join(tmpdir(), `geostage-bench-rss-${process.pid}`);
  const args = ['-f', '%M', '-o', rssFile, ...command];
  const started = performance.now();
  const child = spawnSync('/usr/bin/time', args, {
    cwd,
    env,
    stdio: ['ignore', stdoutFile ? 'pipe' : 'ignore', 'pipe'],
    timeout: TIMEOUT_S * 1000,
    maxBuffer: 4 * 1024 * 1024 * 1024,
  });
  const ms = performance.now() - started;
  if (stdoutFile && child.stdout) writeFileSync(stdoutFile, child.stdout);
  let rssKb = 0;
  try {
    rssKb = Number(readFileSync(rssFile, 'utf8').trim().split('\n').at(-1));
  } catch {
    rssKb = 0;
  }
  rmSync(rssFile, { force: true });
  if (child.status !== 0 && process.env.BENCH_DEBUG) console.error(String(child.stderr).slice(-3000));
  const timedOut = child.error !== undefined && (child.error as NodeJS.ErrnoException).code === 'ETIMEDOUT';
  return {
    ms,
    rssMb: rssKb / 1024,
    ok: child.status === 0,
    timedOut,
    said: String(child.stderr ?? '').slice(-2000),
  };
}

function astroBin(): string {
  const manifest = createRequire(join(repository, 'site', 'package.json')).resolve('astro/package.json');
  return join(dirname(manifest), 'bin', 'astro.mjs');
}

const geostage = (...args: string[]) => [node, cli, ...args];

const STAGES: Stage[] = [
  {
    name: 'validate (load, resolve, checks)',
    shown: 'geostage validate <env>',
    run: (env, folder) => measure(geostage('validate', env), folder),
  },
  ...(['network', 'cluster'] as const).flatMap((kind): Stage[] => {
    // The same command twice: from nothing, then over the output the first row left.
    const run = (env: string, folder: string) => measure(geostage('generate', env, '--only', kind), folder);
    return [
      {
        name: `generate ${kind} (${kind === 'network' ? 'gen-vyos' : 'gen-kubeadm'}), first write`,
        shown: `geostage generate <env> --only ${kind}, with no generated/${kind} yet`,
        prepare: (env, folder) => {
          rmSync(join(folder, 'environments', env, 'generated', kind), { recursive: true, force: true });
          settle(folder);
        },
        run,
      },
      {
        name: `generate ${kind} again, nothing changed`,
        shown: `geostage generate <env> --only ${kind}, over its own output`,
        run,
      },
    ];
  }),
  {
    name: 'reach, JSON written',
    shown: 'geostage reach <env> --format json --output reach.json',
    run: (env, folder) =>
      measure(geostage('reach', env, '--format', 'json', '--output', join(folder, 'reach.json')), folder),
  },
  {
    name: 'reach, text written',
    shown: 'geostage reach <env> --output reach.txt',
    run: (env, folder) => measure(geostage('reach', env, '--output', join(folder, 'reach.txt')), folder),
  },
  {
    name: 'site build (this environment only)',
    shown: 'astro build (GEOSTAGE_ENVIRONMENTS_DIR=<repo>/environments)',
    run: (_env, folder) => {
      const dist = join(folder, 'dist');
      rmSync(dist, { recursive: true, force: true });
      return measure(
        [node, astroBin(), 'build', '--root', join(repository, 'site'), '--outDir', dist],
        folder,
        {
          ...process.env,
          PATH: `${dirname(node)}:${process.env.PATH}`,
          ASTRO_TELEMETRY_DISABLED: '1',
          GEOSTAGE_ENVIRONMENTS_DIR: join(folder, 'environments'),
        },
      );
    },
  },
];

/** Why a stage failed, in a word: reach and the site need the generated files first. */
function failure(stage: Stage, folder: string, env: string, said: string): string {
  const refused = /is done for at most ([\d,]+) groups/.exec(said);
  if (refused) return `refused: over ${refused[1]} server groups`;
  const generated = join(folder, 'environments', env, 'generated', 'network');
  let present = true;
  try {
    statSync(generated);
  } catch {
    present = false;
  }
  return !present && stage.name.startsWith('reach') ? 'not run: nothing generated' : 'failed';
}

/** Every file below `folder`: its path and size. */
function filesBelow(folder: string): { path: string; size: number }[] {
  const found: { path: string; size: number }[] = [];
  const walk = (here: string) => {
    for (const entry of readdirSync(here)) {
      const path = join(here, entry);
      const stat = statSync(path);
      if (stat.isDirectory()) walk(path);
      else found.push({ path, size: stat.size });
    }
  };
  walk(folder);
  return found;
}

/**
 * Flushes the file system that holds `folder` (sync -f: that one only), so the writes and
 * deletions of what came before are not charged to the next timed run. On this VM's disk
 * (ext4 with discard) a removal of 120,000 files otherwise goes on in the background for
 * seconds after rm returns.
 */
function settle(folder: string): void {
  spawnSync('sync', ['-f', folder], { stdio: 'ignore' });
}

/** The write floor: a process that writes the same files, the same bytes, into a fresh folder. */
function writeFloor(generated: string, folder: string): Measure & { files: number; bytes: number } {
  const files = filesBelow(generated);
  const bytes = files.reduce((sum, file) => sum + file.size, 0);
  const target = join(folder, 'floor');
  rmSync(target, { recursive: true, force: true });
  settle(folder);
  const program = `const fs=require('node:fs'),p=require('node:path');const src=${JSON.stringify(generated)},dst=${JSON.stringify(target)};
const walk=(d)=>fs.readdirSync(d,{withFileTypes:true}).flatMap((e)=>e.isDirectory()?walk(p.join(d,e.name)):[p.join(d,e.name)]);
const all=walk(src).map((f)=>[p.join(dst,p.relative(src,f)),fs.readFileSync(f)]);
const t=performance.now();for(const[f,b]of all){fs.mkdirSync(p.dirname(f),{recursive:true});fs.writeFileSync(f,b);}
process.stdout.write(String(performance.now()-t));`;
  const child = spawnSync(node, ['-e', program], { encoding: 'utf8', maxBuffer: 1024 * 1024 });
  rmSync(target, { recursive: true, force: true });
  return {
    ms: Number(child.stdout),
    rssMb: 0,
    ok: child.status === 0,
    timedOut: false,
    said: '',
    files: files.length,
    bytes,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

interface Row {
  stage: string;
  sites: number;
  ms: number;
  rssMb: number;
  note: string;
  /** False when the stage failed or was stopped: no growth from it. */
  ok?: boolean;
}

/** Every stage on one synthetic environment, `runs` times each; the medians. */
function benchOne(policy: 'hub-and-spoke' | 'full-mesh', sites: number, runs: number, rows: Row[]): void {
  // Inside site/ (git-ignored): Astro's prerendered chunks resolve packages upward from the
  // working folder, and the CLI finds this folder's nx.json as its repository root.
  const folder = mkdtempSync(join(repository, 'site', '.bench-build-'));
  try {
    writeFileSync(join(folder, 'nx.json'), '{}\n');
    const env = `${policy === 'full-mesh' ? 'mesh' : 'hub'}-${sites}`;
    const synth = measure(
      geostage(
        'synth',
        env,
        '--sites',
        String(sites),
        '--servers',
        String(SERVERS_PER_SITE),
        '--policy',
        policy,
      ),
      folder,
    );
    rows.push({ stage: 'synth', sites, ms: synth.ms, rssMb: synth.rssMb, note: '', ok: synth.ok });
    for (const stage of STAGES) {
      if (values['no-site'] && stage.name.startsWith('site')) continue;
      const measures: Measure[] = [];
      for (let run = 0; run < runs; run++) {
        stage.prepare?.(env, folder);
        const result = stage.run(env, folder);
        measures.push(result);
        if (!result.ok) break;
      }
      const failed = measures.find((result) => !result.ok);
      rows.push({
        stage: stage.name,
        sites,
        ms: median(measures.map((result) => result.ms)),
        rssMb: Math.max(...measures.map((result) => result.rssMb)),
        note: failed ? (failed.timedOut ? `> ${TIMEOUT_S} s` : failure(stage, folder, env, failed.said)) : '',
        ok: !failed,
      });
      console.error(
        `${env}: ${stage.name}: ${rows.at(-1)!.ms.toFixed(0)} ms, ${rows.at(-1)!.rssMb.toFixed(0)} MB ${rows.at(-1)!.note}`,
      );
    }
    for (const kind of ['network', 'cluster'] as const) {
      const generated = join(folder, 'environments', env, 'generated', kind);
      try {
        const floor = writeFloor(generated, folder);
        rows.push({
          stage: `write floor, ${kind}`,
          sites,
          ms: floor.ms,
          rssMb: 0,
          ok: floor.ok,
          note: `${Math.round(floor.ms).toLocaleString('en-US')} ms (${floor.files.toLocaleString('en-US')} files, ${(floor.bytes / 1e6).toFixed(1)} MB)`,
        });
      } catch {
        rows.push({ stage: `write floor, ${kind}`, sites, ms: Number.NaN, rssMb: 0, note: 'no files' });
      }
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

function cell(row: Row | undefined): string {
  if (!row) return '';
  if (row.note) return row.note;
  const rss = row.rssMb > 0 ? ` (${row.rssMb.toFixed(0)} MB)` : '';
  return `${Math.round(row.ms).toLocaleString('en-US')} ms${rss}`;
}

function table(
  rows: Row[],
  sizes: number[],
  growthOf: (a: number, b: number) => number,
  growthHead: string[],
): string {
  const stages = [...new Set(rows.map((row) => row.stage))];
  const find = (stage: string, sites: number) =>
    rows.find((row) => row.sites === sites && row.stage === stage);
  const head = `| stage | ${sizes.map((size) => `${size.toLocaleString('en-US')} sites`).join(' | ')} | ${growthHead.join(' | ')} |`;
  const rule = `|---|${sizes.map(() => '---:').join('|')}|${growthHead.map(() => '---:').join('|')}|`;
  const lines = stages.map((stage) => {
    const cells = sizes.map((size) => cell(find(stage, size)));
    const growth = sizes.slice(1).map((size, index) => {
      const a = find(stage, sizes[index]!);
      const b = find(stage, size);
      if (!a || !b || !a.ok || !b.ok || !(a.ms > 0)) return '';
      return `${(b.ms / a.ms / growthOf(sizes[index]!, size)).toFixed(1)}x`;
    });
    return `| ${stage} | ${cells.join(' | ')} | ${growth.join(' | ')} |`;
  });
  return [head, rule, ...lines].join('\n');
}

const startedAt = new Date();
const load = loadavg();
mkdirSync(join(repository, 'tmp'), { recursive: true });
const baseline = median(Array.from({ length: 3 }, () => measure([node, '-e', ''], repository).ms));
// The CLI compiles its modules once into Node's compile cache (main.ts): fill it before timing,
// and say what the first run on a machine costs.
const emptyCache = mkdtempSync(join(tmpdir(), 'geostage-bench-cache-'));
const coldStart = measure(geostage('--help'), repository, {
  ...process.env,
  NODE_COMPILE_CACHE: emptyCache,
}).ms;
rmSync(emptyCache, { recursive: true, force: true });
measure(geostage('--help'), repository);
const warmStart = median(Array.from({ length: 3 }, () => measure(geostage('--help'), repository).ms));
const hubSizes = list(values.sizes);
const meshSizes = list(values.mesh);
const hubRows: Row[] = [];
const meshRows: Row[] = [];
for (const sites of hubSizes) benchOne('hub-and-spoke', sites, sites >= BIG_FROM ? BIG_RUNS : RUNS, hubRows);
for (const sites of meshSizes) benchOne('full-mesh', sites, RUNS, meshRows);

const tunnels = (sites: number) => (sites * (sites - 1)) / 2;
const cpu = cpus();
// Sections measured as root by the lab scripts (scripts/bench-apply.ts), kept from the current file.
const LAB_MARKER = '\n## Apply to booted machines';
const current = (() => {
  try {
    return readFileSync(resolve(repository, values.output), 'utf8');
  } catch {
    return '';
  }
})();
const labSections = current.includes(LAB_MARKER) ? current.slice(current.indexOf(LAB_MARKER)) : '';
const document = `# Benchmarks

Produced by \`npm run bench\` (scripts/bench.ts) on ${startedAt.toISOString()}; do not edit by hand.
Each stage is the CLI command a user runs, in its own process, on an environment written by
\`geostage synth\` with ${SERVERS_PER_SITE} servers per site; a cell is the median wall time of
${RUNS} runs (${BIG_RUNS} at ${BIG_FROM.toLocaleString('en-US')} sites and more) with the peak RSS of the largest run in
brackets. Each generator has two rows: its first write starts from no generated folder (removed,
and the disk flushed with \`sync -f\`, untimed before each run), and "again" runs over its own
unchanged output, which it reads and compares file by file and does not write. The write floor
is a bare node process writing the same files and bytes into a fresh folder (reading them
first, untimed), comparable with the first write. The growth column divides the time at the larger size by
the time at the smaller one, per 10x of sites (per tunnel for the full mesh: its tunnels grow
as the square of the sites). A stage stopped after ${TIMEOUT_S} s shows "> ${TIMEOUT_S} s".

## Machine

- ${type()} ${release()}, ${cpu.length} x ${cpu[0]?.model ?? 'unknown CPU'}
- ${(totalmem() / 2 ** 30).toFixed(1)} GiB memory (${(freemem() / 2 ** 30).toFixed(1)} GiB free at the start)
- node ${process.version}; load average at the start ${load.map((value) => value.toFixed(2)).join(', ')}
- a node process that does nothing: ${Math.round(baseline)} ms (in every cell below)
- \`geostage --help\`: ${Math.round(warmStart)} ms once Node's compile cache holds the CLI (every cell below), ${Math.round(coldStart)} ms with an empty cache (the first run on a machine)

The machine is shared: read the ratios and medians, not single numbers.

## Hub and spoke, one hub, ${SERVERS_PER_SITE} servers per site

${table(
  hubRows,
  hubSizes,
  (a, b) => b / a / 10,
  hubSizes
    .slice(1)
    .map(
      (size, index) =>
        `growth ${hubSizes[index]!.toLocaleString('en-US')} to ${size.toLocaleString('en-US')}`,
    ),
)}

## Full mesh, ${SERVERS_PER_SITE} servers per site (growth per tunnel)

${table(
  meshRows,
  meshSizes,
  (a, b) => tunnels(b) / tunnels(a),
  meshSizes.slice(1).map((size, index) => `per tunnel ${meshSizes[index]} to ${size}`),
)}

Tunnels: ${meshSizes.map((size) => `${size} sites ${tunnels(size).toLocaleString('en-US')}`).join(', ')}.

## Not measured here

- The Nx targets (\`nx run gen-vyos:generate\`) run the same \`geostage generate --only\` command.
- \`lab up\` and \`verify\` need root and network namespaces: \`npm run bench:lab\` and \`npm run bench:apply\`
  measure them and write the sections below, which this run keeps.
${labSections}`;
writeFileSync(resolve(repository, values.output), document);
console.error(`wrote ${relative(process.cwd(), resolve(repository, values.output))}`);
