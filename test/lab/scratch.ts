// A scratch repository for the lab tests: nx.json and a copy of one environment (topology,
// generated files, public material; never secrets), so `geostage lab` and `verify` run as a
// user runs them without writing a byte into this repository.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listNamespaces } from '@geostage/transport';

const root = join(import.meta.dirname, '..', '..');
const main = join(root, 'packages', 'cli', 'src', 'main.ts');

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A geostage command still running: its output so far, a wait for a line, a signal as a terminal sends it. */
export interface Running {
  child: ChildProcess;
  /** stdout and stderr so far, interleaved as they came. */
  output(): string;
  /** Resolves with the first line matching `pattern`; rejects when the command ends first or at the deadline. */
  line(pattern: RegExp, timeoutMs: number): Promise<string>;
  /** Resolves when it has ended, with how long it ran. */
  finished: Promise<Finished & { ms: number }>;
  /** Sends `signal` to the command alone, or to its process group (what Ctrl-C in a terminal does). */
  interrupt(signal: NodeJS.Signals, to: 'process' | 'group'): void;
}

export interface Scratch {
  folder: string;
  environment: string;
  /** environments/<env> inside the scratch repository. */
  environmentFolder: string;
  geostage(args: string[]): Promise<Finished>;
  /** Starts a geostage command in a process group of its own, so a test can signal it as a terminal would. */
  start(args: string[]): Running;
}

function start(folder: string, args: string[]): Running {
  const started = Date.now();
  const child = spawn(process.execPath, [main, ...args], { cwd: folder, detached: true });
  let stdout = '';
  let stderr = '';
  let output = '';
  const waiting = new Set<() => void>();
  const changed = () => {
    for (const wake of waiting) wake();
  };
  child.stdout!.on('data', (chunk) => {
    stdout += chunk;
    output += chunk;
    changed();
  });
  child.stderr!.on('data', (chunk) => {
    stderr += chunk;
    output += chunk;
    changed();
  });
  let ended = false;
  const finished = new Promise<Finished & { ms: number }>((done) =>
    child.on('close', (code) => {
      ended = true;
      changed();
      done({ code, stdout, stderr, ms: Date.now() - started });
    }),
  );
  return {
    child,
    output: () => output,
    finished,
    line: (pattern, timeoutMs) =>
      new Promise((done, fail) => {
        const deadline = setTimeout(() => {
          waiting.delete(look);
          fail(new Error(`no line matching ${pattern} within ${timeoutMs} ms:\n${output}`));
        }, timeoutMs);
        function look() {
          const found = output.split('\n').find((line) => pattern.test(line));
          if (found === undefined && !ended) return;
          waiting.delete(look);
          clearTimeout(deadline);
          if (found !== undefined) done(found);
          else
            fail(new Error(`ended (exit ${child.exitCode}) before a line matching ${pattern}:\n${output}`));
        }
        waiting.add(look);
        look();
      }),
    interrupt: (signal, to) => {
      if (to === 'group') process.kill(-child.pid!, signal);
      else child.kill(signal);
    },
  };
}

export function scratchRepository(environment: string): Scratch {
  const folder = mkdtempSync(join(tmpdir(), `gs-lab-${environment}-`));
  writeFileSync(join(folder, 'nx.json'), '{}\n');
  const source = join(root, 'environments', environment);
  const environmentFolder = join(folder, 'environments', environment);
  for (const part of ['topology.yaml', 'generated', 'public', 'scenarios']) {
    if (existsSync(join(source, part)))
      cpSync(join(source, part), join(environmentFolder, part), { recursive: true });
  }
  return {
    folder,
    environment,
    environmentFolder,
    geostage: (args) =>
      new Promise((done) => {
        const child = spawn(process.execPath, [main, ...args], { cwd: folder });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (chunk) => {
          stdout += chunk;
        });
        child.stderr.on('data', (chunk) => {
          stderr += chunk;
        });
        child.on('close', (code) => done({ code, stdout, stderr }));
      }),
    start: (args) => start(folder, args),
  };
}

/** Namespaces of the prefix and live processes naming the lab folder: what `lab down` must leave none of. */
export async function remains(prefix: string, lab: string): Promise<string[]> {
  const namespaces = (await listNamespaces()).filter((name) => name.startsWith(prefix));
  const pids = readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry) && Number(entry) !== process.pid)
    .filter((pid) => {
      try {
        if (/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))) return false;
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(`${lab}/`);
      } catch {
        return false;
      }
    });
  return [...namespaces, ...pids.map((pid) => `pid ${pid}`)];
}

/** Why booted machines cannot run here (systemd-nspawn or debootstrap missing), or null. */
export function machinesMissing(): string | null {
  try {
    execFileSync('systemd-nspawn', ['--version'], { stdio: 'ignore' });
    execFileSync('debootstrap', ['--version'], { stdio: 'ignore' });
    return null;
  } catch {
    return 'needs systemd-nspawn (systemd-container) and debootstrap (scripts/setup.sh installs them)';
  }
}
