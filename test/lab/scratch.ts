// A scratch repository for the lab tests: nx.json and a copy of one environment (topology,
// generated files, public material; never secrets), so `geostage lab` and `verify` run as a
// user runs them without writing a byte into this repository.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');
const main = join(root, 'packages', 'cli', 'src', 'main.ts');

export interface Scratch {
  folder: string;
  environment: string;
  /** environments/<env> inside the scratch repository. */
  environmentFolder: string;
  geostage(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }>;
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
  };
}
