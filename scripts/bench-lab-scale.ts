// Benchmark of the namespace lab at scale, as a user runs it: `geostage synth` writes a
// hub-and-spoke environment (synth --os linux, so the lab runs the routers as they are), then
// `generate`, `lab up`, `verify --sample`, one full `verify` for comparison and `lab down`, each
// timed in a scratch repository; what the lab costs (namespaces, interfaces, OpenVPN processes,
// the RSS of its processes, the machine's used memory) in all and per site; and that nothing is
// left after `lab down` (namespaces by the lab's prefix, processes naming the lab folder).
// Prints a table and writes it as the section "The lab at scale" of BENCHMARKS.md.
// Usage: sudo npx node scripts/bench-lab-scale.ts [--sites 50] [--servers 4] [--runs 1]
//                                                 [--sample N] [--no-full] [--output BENCHMARKS.md]
import { execFileSync, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { cpus, loadavg, release, tmpdir, totalmem, type } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const repository = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const main = join(repository, 'packages', 'cli', 'src', 'main.ts');
const { values } = parseArgs({
  options: {
    sites: { type: 'string', default: '50' },
    servers: { type: 'string', default: '4' },
    runs: { type: 'string', default: '1' },
    sample: { type: 'string' },
    'no-full': { type: 'boolean', default: false },
    output: { type: 'string', default: 'BENCHMARKS.md' },
  },
});
const sites = Number(values.sites);
const servers = Number(values.servers);
const runs = Number(values.runs);
// Half the sites: the smallest sample that has every site in it.
const sample = Number(values.sample ?? Math.ceil(sites / 2));
const environment = 'bench-lab';
const SECTION = '## The lab at scale';

if (process.getuid?.() !== 0) {
  console.error('bench-lab-scale: needs root (network namespaces)');
  process.exit(2);
}

interface Step {
  label: string;
  seconds: number;
  code: number | null;
  /** Each output line with the seconds since the step started. */
  lines: { at: number; text: string }[];
}

/** A geostage command in its own process, its output lines timed as they come. */
function geostage(cwd: string, label: string, args: string[]): Promise<Step> {
  const started = performance.now();
  const lines: Step['lines'] = [];
  return new Promise((done) => {
    const child = spawn(process.execPath, [main, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    for (const stream of [child.stdout, child.stderr]) {
      let pending = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        pending += chunk;
        const parts = pending.split('\n');
        pending = parts.pop()!;
        for (const text of parts) lines.push({ at: (performance.now() - started) / 1000, text });
      });
    }
    child.on('close', (code) => done({ label, seconds: (performance.now() - started) / 1000, code, lines }));
  });
}

/** How many times the kernel's IPv4 neighbour table (one for every namespace) has been full since boot. */
function neighbourTableFulls(): number {
  const [header, ...rows] = readFileSync('/proc/net/stat/arp_cache', 'utf8').trim().split('\n');
  const column = header!.trim().split(/\s+/).indexOf('table_fulls');
  return rows.reduce((sum, row) => sum + Number.parseInt(row.trim().split(/\s+/)[column]!, 16), 0);
}

/** The machine's used memory in MiB: MemTotal less MemAvailable. */
function usedMemoryMiB(): number {
  const info = readFileSync('/proc/meminfo', 'utf8');
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(info)![1]) / 1024;
  return field('MemTotal') - field('MemAvailable');
}

/** Processes whose command line names `text`, with their name and RSS (KiB). */
function processesNaming(text: string): { pid: number; name: string; rssKiB: number }[] {
  const found: { pid: number; name: string; rssKiB: number }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (!cmdline.includes(text)) continue;
      const status = readFileSync(`/proc/${entry}/status`, 'utf8');
      found.push({
        pid: Number(entry),
        name: /^Name:\s+(\S+)/m.exec(status)?.[1] ?? '?',
        rssKiB: Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0),
      });
    } catch {
      // Gone between the listing and the read.
    }
  }
  return found;
}

const namespacesWith = (prefix: string) =>
  execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
    .split('\n')
    .map((line) => line.split(' ')[0]!)
    .filter((name) => name.startsWith(prefix));

/** Interfaces other than lo in the lab's namespaces. */
function interfacesIn(namespaces: readonly string[]): number {
  let count = 0;
  for (const namespace of namespaces) {
    const links = execFileSync('ip', ['-n', namespace, '-o', 'link', 'show'], { encoding: 'utf8' });
    count += links.split('\n').filter((line) => line.trim() && !/^\d+: lo:/.test(line)).length;
  }
  return count;
}

interface Run {
  steps: Step[];
  namespaces: number;
  interfaces: number;
  openvpn: number;
  processes: number;
  rssMiB: number;
  usedBeforeMiB: number;
  usedUpMiB: number;
  usedAfterMiB: number;
  leftNamespaces: string[];
  leftProcesses: number[];
  sampledLine: string;
  /** Times the neighbour table was full during each verify, by its label. */
  tableFulls: Map<string, number>;
}

async function benchOnce(index: number): Promise<Run> {
  const scratch = mkdtempSync(join(tmpdir(), 'gs-bench-lab-'));
  writeFileSync(join(scratch, 'nx.json'), '{}\n');
  const steps: Step[] = [];
  const folder = join(scratch, 'environments', environment);
  const lab = join(folder, '.lab');
  try {
    steps.push(
      await geostage(scratch, 'synth', [
        'synth',
        environment,
        '--sites',
        String(sites),
        '--servers',
        String(servers),
        '--os',
        'linux',
        '--no-locations',
      ]),
    );
    steps.push(await geostage(scratch, 'generate', ['generate', environment]));
    const usedBeforeMiB = usedMemoryMiB();
    const up = await geostage(scratch, 'lab up', ['lab', 'up', environment]);
    steps.push(up);
    if (up.code !== 0)
      throw new Error(`lab up: exit ${up.code}: ${up.lines.map((line) => line.text).join('\n')}`);
    const state = JSON.parse(readFileSync(join(lab, 'state.json'), 'utf8')) as {
      prefix: string;
      processes: { pid: number }[];
      access?: { namespace: string; sshd: { pid: number }[] };
    };
    const namespaces = namespacesWith(state.prefix);
    const labPids = new Set([
      ...state.processes.map((p) => p.pid),
      ...(state.access?.sshd ?? []).map((s) => s.pid),
    ]);
    const naming = processesNaming(lab);
    const all = new Map(naming.map((found) => [found.pid, found]));
    for (const pid of labPids) {
      if (all.has(pid)) continue;
      try {
        const status = readFileSync(`/proc/${pid}/status`, 'utf8');
        all.set(pid, {
          pid,
          name: /^Name:\s+(\S+)/m.exec(status)?.[1] ?? '?',
          rssKiB: Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0),
        });
      } catch {
        // A recorded process that is gone shows in lab status, not here.
      }
    }
    const usedUpMiB = usedMemoryMiB();
    const interfaces = interfacesIn(namespaces);
    const tableFulls = new Map<string, number>();
    let fulls = neighbourTableFulls();
    const sampled = await geostage(scratch, `verify --sample ${sample}`, [
      'verify',
      environment,
      '--sample',
      String(sample),
      '--seed',
      String(index + 1),
    ]);
    steps.push(sampled);
    tableFulls.set(sampled.label, neighbourTableFulls() - fulls);
    if (!values['no-full'] && index === 0) {
      fulls = neighbourTableFulls();
      steps.push(await geostage(scratch, 'verify (every pair)', ['verify', environment]));
      tableFulls.set('verify (every pair)', neighbourTableFulls() - fulls);
    }
    const down = await geostage(scratch, 'lab down', ['lab', 'down', environment]);
    steps.push(down);
    return {
      steps,
      namespaces: namespaces.length,
      interfaces,
      openvpn: [...all.values()].filter((found) => found.name === 'openvpn').length,
      processes: all.size,
      rssMiB: [...all.values()].reduce((sum, found) => sum + found.rssKiB, 0) / 1024,
      usedBeforeMiB,
      usedUpMiB,
      usedAfterMiB: usedMemoryMiB(),
      leftNamespaces: namespacesWith(state.prefix),
      leftProcesses: processesNaming(lab).map((found) => found.pid),
      sampledLine: sampled.lines.find((line) => line.text.startsWith('sampled'))?.text ?? '',
      tableFulls,
    };
  } finally {
    if (existsSync(join(lab, 'state.json')))
      await geostage(scratch, 'lab down (cleanup)', ['lab', 'down', environment]);
    rmSync(scratch, { recursive: true, force: true });
  }
}

const median = (numbers: number[]) => {
  const sorted = [...numbers].sort((a, b) => a - b);
  return sorted.length % 2
    ? sorted[(sorted.length - 1) / 2]!
    : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
};

const startedAt = new Date();
const loadAtStart = loadavg();
const results: Run[] = [];
for (let index = 0; index < runs; index++) results.push(await benchOnce(index));

// Every step's whole output, for a look at what the table's one line leaves out.
const logs = join(repository, 'tmp', 'bench-lab-scale');
mkdirSync(logs, { recursive: true });
results.forEach((run, index) => {
  for (const step of run.steps)
    writeFileSync(
      join(logs, `run${index + 1}-${step.label.replace(/[^a-z0-9]+/gi, '-')}.txt`),
      step.lines.map((line) => `${line.at.toFixed(2)} ${line.text}`).join('\n'),
    );
});

const labels = [...new Set(results.flatMap((run) => run.steps.map((step) => step.label)))];
const stepSeconds = (label: string) =>
  results.flatMap((run) => run.steps.filter((step) => step.label === label).map((step) => step.seconds));
const last = (label: string) => {
  const step = results.at(-1)!.steps.find((found) => found.label === label);
  // verify: its verdict line (agrees, or how many disagree) rather than the last pair it lists.
  const verdict = step?.lines.find((line) =>
    /server pairs disagree with reach|agrees with reach/.test(line.text),
  );
  return step ? `exit ${step.code}: ${(verdict ?? step.lines.at(-1))?.text.slice(0, 90) ?? ''}` : '';
};
const perSite = (value: number, digits = 1) =>
  `${value.toLocaleString('en-US', { maximumFractionDigits: digits })} (${(value / sites).toFixed(digits)} per site)`;
const first = results[0]!;
const clean = results.every((run) => run.leftNamespaces.length === 0 && run.leftProcesses.length === 0);
// lab up's own progress lines, each with when it came: where the time goes.
const upLines = first.steps.find((step) => step.label === 'lab up')!.lines;
const profile = upLines
  .filter((line, index) => index === 0 || !upLines[index - 1]!.text.startsWith(line.text.slice(0, 8)))
  .filter((line) => !line.text.startsWith('warning: static-key'))
  .slice(0, 40)
  .map((line) => `| ${line.at.toFixed(1)} s | ${line.text.replaceAll('|', '\\|').slice(0, 110)} |`);

const section = `${SECTION}

Produced by \`npm run bench:lab\` (scripts/bench-lab-scale.ts) on ${startedAt.toISOString()}, as root:
\`geostage synth ${environment} --sites ${sites} --servers ${servers} --os linux --no-locations\` (hub-and-spoke, one hub,
${sites - 1} tunnels, ${sites * servers} servers; Linux routers, no WAN emulation), each step the CLI
command in its own process; ${runs === 1 ? 'one run' : `the median of ${runs} runs`}. verify --sample ${sample} measures
${sample} of ${(sites * (sites - 1)) / 2} site pairs (seed = the run's number), every site in one of them.

- ${type()} ${release()}, ${cpus().length} x ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB;
  load average at the start ${loadAtStart.map((value) => value.toFixed(2)).join(', ')}${
    loadAtStart[0]! > cpus().length / 2
      ? ': other work was running on this machine, and the times include its load'
      : ''
  }.

| step | wall time | result |
|---|---:|---|
${labels
  .map(
    (label) =>
      `| ${label} | ${median(stepSeconds(label)).toFixed(1)} s${
        stepSeconds(label).length > 1
          ? ` (${stepSeconds(label)
              .map((s) => s.toFixed(1))
              .join(', ')})`
          : ''
      } | ${last(label).replaceAll('|', '\\|')} |`,
  )
  .join('\n')}

| the lab up | in all |
|---|---:|
| namespaces (prefix and operator) | ${perSite(first.namespaces)} |
| interfaces in them, not lo | ${perSite(first.interfaces)} |
| OpenVPN processes | ${perSite(first.openvpn)} |
| processes of the lab (OpenVPN, sshd, anything naming the lab folder) | ${perSite(first.processes)} |
| RSS of those processes | ${perSite(median(results.map((run) => run.rssMiB)))} MiB |
| the machine's used memory before lab up, up, after lab down | ${results.map((run) => `${Math.round(run.usedBeforeMiB)} / ${Math.round(run.usedUpMiB)} / ${Math.round(run.usedAfterMiB)} MiB`).join('; ')} |
| times the kernel's IPv4 neighbour table (one for every namespace) was full, during ${[...first.tableFulls.keys()].join(' / ')} | ${[...first.tableFulls.values()].join(' / ')} |
| left after lab down | ${clean ? 'nothing (no namespace with the prefix, no process naming the lab folder)' : results.map((run) => `${run.leftNamespaces.length} namespaces, ${run.leftProcesses.length} processes`).join('; ')} |

The sample: ${first.sampledLine.replaceAll('|', '\\|') || 'not printed'}.

lab up's progress (first run), with the seconds since it started:

| at | line |
|---:|---|
${profile.join('\n')}
`;

console.log(`\n${section}`);
const outputPath = resolve(repository, values.output);
const existing = existsSync(outputPath) ? readFileSync(outputPath, 'utf8') : '# Benchmarks\n';
const start = existing.indexOf(`\n${SECTION}\n`);
const next = start === -1 ? -1 : existing.indexOf('\n## ', start + SECTION.length + 1);
const updated =
  start === -1
    ? `${existing.trimEnd()}\n\n${section}`
    : `${existing.slice(0, start + 1)}${section}${next === -1 ? '' : `\n${existing.slice(next + 1)}`}`;
writeFileSync(outputPath, updated);
console.error(`wrote ${values.output}${clean ? '' : ' (something was left after lab down!)'}`);
process.exitCode =
  clean &&
  results.every((run) =>
    run.steps.every((step) => step.code === 0 || (step.label.startsWith('verify') && step.code === 1)),
  )
    ? 0
    : 1;
