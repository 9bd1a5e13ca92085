// The dependency rule, written once in README.md ("Who may import whom"), held here: every
// import between packages goes one way and by a package's name, never by a relative path into
// another package's files, and every package.json lists only what the table allows.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, test } from 'vitest';

const root = resolve(import.meta.dirname, '..');

/** What README.md's table says: package -> the packages it may import ('*' for every package). */
function parseDependencyTable(readme: string): Map<string, Set<string> | '*'> {
  const lines = readme.split('\n');
  const header = lines.findIndex((line) => /^\|\s*package\s*\|\s*may import\s*\|\s*$/.test(line));
  if (header < 0) throw new Error('README.md has no "| package | may import |" table');
  const table = new Map<string, Set<string> | '*'>();
  for (const line of lines.slice(header + 2)) {
    const cells = line.match(/^\|([^|]+)\|([^|]+)\|\s*$/);
    if (!cells) break;
    const name = cells[1]!.trim();
    const allowed = cells[2]!.trim();
    if (allowed === 'every package') table.set(name, '*');
    else if (allowed === 'nothing') table.set(name, new Set());
    else table.set(name, new Set(allowed.split(',').map((entry) => entry.trim())));
  }
  return table;
}

interface Import {
  /** Repository-relative path and 1-based line. */
  file: string;
  line: number;
  specifier: string;
}

const sourceFile = /\.(ts|mts|js|mjs|astro)$/;

function filesUnder(folder: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(folder);
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    if (entry === 'node_modules' || entry === 'dist' || entry.startsWith('.')) return [];
    const path = join(folder, entry);
    if (statSync(path).isDirectory()) return filesUnder(path);
    return sourceFile.test(entry) ? [path] : [];
  });
}

// `from '...'` (import and export), `import '...'` (side effect) and `import('...')` (dynamic).
const specifiers = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])([^'"\n]+)\1/g;

/** Every module specifier in a file, skipping comment lines. */
function importsOf(text: string, file: string): Import[] {
  const found: Import[] = [];
  const starts = [0];
  for (let index = text.indexOf('\n'); index >= 0; index = text.indexOf('\n', index + 1))
    starts.push(index + 1);
  for (const match of text.matchAll(specifiers)) {
    let line = starts.findIndex((start) => start > match.index) - 1;
    if (line < 0) line = starts.length - 1;
    const content = text.slice(starts[line], starts[line + 1] ?? text.length).trim();
    if (content.startsWith('//') || content.startsWith('*') || content.startsWith('/*')) continue;
    found.push({ file, line: line + 1, specifier: match[2]! });
  }
  return found;
}

/** The table's name for the owner of a repository path: packages/<p>/..., site, scripts or test. */
function ownerOf(path: string): string | null {
  const parts = relative(root, path).split(sep);
  if (parts[0] === 'packages' && parts.length > 2) return parts[1]!;
  if (parts[0] === 'site' || parts[0] === 'scripts' || parts[0] === 'test') return parts[0];
  return null;
}

/** The package an import names: `@geostage/<p>[/...]`, or the owner a relative path lands in. */
function target(entry: Import): { owner: string; relative: boolean } | null {
  const named = entry.specifier.match(/^@geostage\/([^/]+)/);
  if (named) return { owner: named[1] === 'site' ? 'site' : named[1]!, relative: false };
  if (!entry.specifier.startsWith('.')) return null;
  const owner = ownerOf(resolve(root, dirname(entry.file), entry.specifier));
  return owner ? { owner, relative: true } : null;
}

function packageJson(folder: string): {
  name?: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
} {
  return JSON.parse(readFileSync(join(root, folder, 'package.json'), 'utf8'));
}

/** The @geostage packages a package.json lists, by table name. */
function declared(folder: string): string[] {
  const json = packageJson(folder);
  return Object.keys({ ...json.dependencies, ...json.devDependencies, ...json.peerDependencies })
    .filter((name) => name.startsWith('@geostage/'))
    .map((name) => name.slice('@geostage/'.length));
}

const table = parseDependencyTable(readFileSync(join(root, 'README.md'), 'utf8'));
const packages = readdirSync(join(root, 'packages')).filter((entry) =>
  statSync(join(root, 'packages', entry, 'package.json'), { throwIfNoEntry: false }),
);
const folders = [
  ...packages.flatMap((name) => ['src', 'bench', 'scripts'].map((sub) => join('packages', name, sub))),
  'site/src',
  'site/scripts',
  'scripts',
];

function isAllowed(from: string, to: string): boolean {
  if (from === to) return true;
  const allowed = table.get(from);
  return allowed === '*' || allowed?.has(to) === true;
}

/**
 * Imports the table does not allow yet, each with why and what removes it; an entry that
 * matches nothing any more fails the last test, so none outlives its reason. Empty: every
 * package keeps to the table.
 */
const expected: { file: string; specifier: RegExp; why: string }[] = [];

function isExpected(file: string, specifier: string, used: Set<number>): boolean {
  const index = expected.findIndex((entry) => entry.file === file && entry.specifier.test(specifier));
  if (index >= 0) used.add(index);
  return index >= 0;
}

/** Imports in packages, site and scripts that the table does not allow, or not by name. */
function importProblems(used: Set<number>): string[] {
  const problems: string[] = [];
  for (const folder of folders) {
    for (const path of filesUnder(join(root, folder))) {
      const file = relative(root, path).split(sep).join('/');
      const from = ownerOf(path)!;
      for (const entry of importsOf(readFileSync(path, 'utf8'), file)) {
        const to = target(entry);
        if (!to || to.owner === from || isExpected(file, entry.specifier, used)) continue;
        const at = `${file}:${entry.line}`;
        if (to.relative) {
          problems.push(
            `${at}: '${entry.specifier}' reaches into ${to.owner} by a relative path; ${byName(to.owner)}`,
          );
        } else if (!isAllowed(from, to.owner)) {
          problems.push(`${at}: ${from} may not import ${to.owner} ('${entry.specifier}'; README.md table)`);
        } else if (from !== 'scripts' && !declared(ownerFolder(from)).includes(to.owner)) {
          problems.push(`${at}: ${from} imports @geostage/${to.owner} but its package.json does not list it`);
        }
      }
    }
  }
  return problems;
}

/** @geostage dependencies in package.json files that the table does not allow. */
function manifestProblems(used: Set<number>): string[] {
  const problems: string[] = [];
  for (const name of [...packages, 'site']) {
    const manifest = `${ownerFolder(name)}/package.json`;
    for (const dependency of declared(ownerFolder(name))) {
      if (isExpected(manifest, `@geostage/${dependency}`, used) || isAllowed(name, dependency)) continue;
      problems.push(`${manifest}: ${name} may not depend on @geostage/${dependency} (README.md table)`);
    }
  }
  return problems;
}

/** Imports in test/ by a path into another package's files instead of its name. */
function testProblems(used: Set<number>): string[] {
  const problems: string[] = [];
  for (const path of filesUnder(join(root, 'test'))) {
    const file = relative(root, path).split(sep).join('/');
    for (const entry of importsOf(readFileSync(path, 'utf8'), file)) {
      const to = target(entry);
      if (!to?.relative || to.owner === 'test' || isExpected(file, entry.specifier, used)) continue;
      problems.push(
        `${file}:${entry.line}: '${entry.specifier}' reaches into ${to.owner}'s files; ${byName(to.owner)}`,
      );
    }
  }
  return problems;
}

describe('dependencies between packages (README.md: "Who may import whom")', () => {
  const used = new Set<number>();
  const imports = importProblems(used);
  const manifests = manifestProblems(used);
  const tests = testProblems(used);

  test('the table has a row for every package, site, scripts and test, naming only those', () => {
    const owners = [...packages, 'site', 'scripts', 'test'];
    expect([...table.keys()].sort()).toEqual(owners.sort());
    for (const [name, allowed] of table) {
      if (allowed === '*') continue;
      for (const entry of allowed) expect(packages, `${name} may import "${entry}"`).toContain(entry);
    }
  });

  test('reach, schema and transport import no geostage package; the lab not apply; apply not the site', () => {
    for (const ground of ['reach', 'schema', 'transport']) expect(table.get(ground)).toEqual(new Set());
    expect(isAllowed('lab', 'apply')).toBe(false);
    expect(isAllowed('apply', 'site')).toBe(false);
    expect(isAllowed('apply', 'reach')).toBe(false);
  });

  test('every import in packages, site and scripts is one the table allows, by name', () => {
    expect(imports).toEqual([]);
  });

  test('every package.json lists only @geostage dependencies the table allows', () => {
    expect(manifests).toEqual([]);
  });

  test('test/ imports packages only by their exports, never by a path into their files', () => {
    expect(tests).toEqual([]);
  });

  test('every expected violation still happens (delete the ones that do not)', () => {
    const stale = expected.filter((_, index) => !used.has(index));
    expect(stale.map((entry) => `${entry.file} ${entry.specifier}: ${entry.why}`)).toEqual([]);
  });
});

/** What to do instead of a relative path into another owner. */
function byName(owner: string): string {
  return packages.includes(owner)
    ? `import @geostage/${owner} (or a subpath its package.json exports)`
    : `${owner}/ is no library: move what is shared into the package that owns the concept`;
}

function ownerFolder(name: string): string {
  return name === 'site' || name === 'scripts' || name === 'test' ? name : `packages/${name}`;
}

describe('the readers this test relies on', () => {
  test('imports: static, type-only, re-exports, side effects and dynamic, with their lines; comments skipped', () => {
    const text = [
      "import { a } from '@geostage/schema';",
      'import type {',
      '  B,',
      "} from '@geostage/reach';",
      "export * from './local.ts';",
      "import './side-effect.ts';",
      "// moved from '@geostage/apply'",
      "const lab = await import('@geostage/lab');",
    ].join('\n');
    expect(importsOf(text, 'x.ts').map((entry) => `${entry.line} ${entry.specifier}`)).toEqual([
      '1 @geostage/schema',
      '4 @geostage/reach',
      '5 ./local.ts',
      '6 ./side-effect.ts',
      '8 @geostage/lab',
    ]);
  });

  test('the table: names, "nothing" and "every package"', () => {
    const readme =
      '| package | may import |\n|---|---|\n| schema | nothing |\n| lab | schema, reach |\n| cli | every package |\n\nafter';
    expect(parseDependencyTable(readme)).toEqual(
      new Map<string, Set<string> | '*'>([
        ['schema', new Set()],
        ['lab', new Set(['schema', 'reach'])],
        ['cli', '*'],
      ]),
    );
  });
});
