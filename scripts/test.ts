// The whole test suite: every Vitest project once, then the repository checks (types, lint,
// generated output up to date). Ends with one line of totals that CI reads:
// `N passed, N failed, N skipped`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';

interface Step {
  name: string;
  command: string[];
}

const root = new URL('..', import.meta.url).pathname;
const report = `${root}tmp/vitest-report.json`;
mkdirSync(`${root}tmp`, { recursive: true });

function run(command: string[]): number {
  const result = spawnSync(command[0]!, command.slice(1), { cwd: root, stdio: 'inherit', env: process.env });
  return result.status ?? 1;
}

const vitestStatus = run([
  'npx',
  'vitest',
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${report}`,
  ...process.argv.slice(2),
]);

let passed = 0;
let failed = 0;
let skipped = 0;
if (existsSync(report)) {
  const results = JSON.parse(readFileSync(report, 'utf8')) as {
    numPassedTests: number;
    numFailedTests: number;
    numPendingTests: number;
    numTodoTests: number;
    numFailedTestSuites: number;
  };
  passed += results.numPassedTests;
  failed += results.numFailedTests + results.numFailedTestSuites;
  skipped += results.numPendingTests + results.numTodoTests;
} else {
  failed += 1;
}
if (vitestStatus !== 0 && failed === 0) failed += 1;

const checks: Step[] = [
  { name: 'typecheck', command: ['npx', 'tsc', '-p', 'tsconfig.json', '--noEmit'] },
  { name: 'lint', command: ['npx', 'biome', 'lint', '.'] },
  { name: 'generated output matches the topologies', command: ['node', 'packages/cli/src/main.ts', 'check'] },
];
// In CI the main job has just regenerated every environment: any difference from the
// committed files means a pull request forgot to commit its generated output.
if (process.env.CI && existsSync(`${root}.git`)) {
  checks.push({
    name: 'committed generated output is up to date (git diff)',
    command: ['git', 'diff', '--exit-code', '--stat', '--', 'environments'],
  });
}
for (const check of checks) {
  console.log(`\n==> ${check.name}`);
  if (run(check.command) === 0) {
    passed += 1;
    console.log(`ok: ${check.name}`);
  } else {
    failed += 1;
    console.log(`FAILED: ${check.name}`);
  }
}

console.log(`\nvitest and ${checks.length} repository checks:`);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exitCode = failed > 0 ? 1 : 0;
