// The whole test suite: every Vitest project once, then the repository checks (types, lint,
// generated output up to date, nothing left in the temporary directory). Ends with one line of
// totals that CI reads: `N passed, N failed, N skipped`.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface Step {
  name: string;
  command: string[];
}

const root = new URL('..', import.meta.url).pathname;
const report = `${root}tmp/vitest-report.json`;
mkdirSync(`${root}tmp`, { recursive: true });

// The run gets a temporary directory of its own (TMPDIR), so that what a test leaves behind is
// found there and nothing another process makes meanwhile is blamed on the suite.
const temporary = mkdtempSync(join(tmpdir(), 'geostage-test-run-'));
// Open to every user like /tmp itself (tests run some children as another user), not 0700.
chmodSync(temporary, 0o1777);
const LEFTOVER = /^(geostage|gs)-/;

function run(command: string[]): number {
  const result = spawnSync(command[0]!, command.slice(1), {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, TMPDIR: temporary },
  });
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
    testResults: { status: string; assertionResults: { status: string }[] }[];
  };
  passed += results.numPassedTests;
  // A failed test counts once. numFailedTestSuites would count it again for its file and for
  // each describe around it; only a file that failed with no failed test (it did not import,
  // a hook threw) adds one of its own.
  failed += results.numFailedTests;
  failed += results.testResults.filter(
    (file) => file.status === 'failed' && !file.assertionResults.some((test) => test.status === 'failed'),
  ).length;
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

console.log('\n==> the tests left nothing in the temporary directory');
const leftovers = readdirSync(temporary).filter((entry) => LEFTOVER.test(entry));
if (leftovers.length === 0) {
  rmSync(temporary, { recursive: true, force: true });
  passed += 1;
  console.log('ok: the tests left nothing in the temporary directory');
} else {
  // Kept for a look; the next run has its own.
  failed += 1;
  for (const entry of leftovers.sort()) console.log(`  left behind: ${join(temporary, entry)}`);
  console.log(
    `FAILED: the tests left ${leftovers.length} geostage-*/gs-* entries in the temporary directory`,
  );
}

console.log(`\nvitest and ${checks.length + 1} repository checks:`);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exitCode = failed > 0 ? 1 : 0;
