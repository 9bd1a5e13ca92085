// geostage validate: load topologies and print every diagnostic, then one summary line per file.
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import {
  findRepositoryRoot,
  listEnvironments,
  repositoryEnvironment,
  TOPOLOGY_FILE,
} from '@geostage/environment';
import { type Diagnostic, formatDiagnostic, hasErrors, loadTopology } from '@geostage/schema';
import { type Command, EXIT, UsageError } from '../command.ts';

interface FileResult {
  file: string;
  ok: boolean;
  sites: number | null;
  servers: number | null;
  diagnostics: Diagnostic[];
}

export const validate: Command = {
  name: 'validate',
  summary: 'check topology files: YAML, schema and semantic checks',
  help: `Usage: geostage validate [env|file|folder ...] [--format text|json]

Loads each topology and reports every problem at once: YAML syntax, the JSON Schema and the
semantic checks (addresses, prefixes, tunnels, the cluster). An argument is an environment
name (environments/<env>/topology.yaml in the repository), a path to a topology file, or a
folder holding a topology.yaml. With no argument, every environment of the repository is
validated.

Options:
  --format text|json   text (default): file:line:col: severity code: message, a hint line,
                       and a summary line per file; json: one document with every result.
  -h, --help           show this help.

Exit codes: 0 valid (warnings allowed), 1 invalid, 2 usage error (also: no such environment
or file, a folder without a topology.yaml), 3 a file could not be read (the cause is printed).`,
  options: {
    format: { type: 'string', default: 'text' },
  },
  async run({ values, positionals, io }) {
    const format = values.format;
    if (format !== 'text' && format !== 'json') {
      throw new UsageError(`--format must be text or json, not "${String(format)}"`);
    }
    const files = resolveTargets(positionals, io.cwd);
    const results: FileResult[] = [];
    for (const { path, shown } of files) results.push(await validateFile(path, shown));

    if (format === 'json') {
      io.out(`${JSON.stringify({ ok: results.every((result) => result.ok), files: results }, null, 2)}\n`);
    } else {
      for (const result of results) {
        for (const diagnostic of result.diagnostics) io.out(`${formatDiagnostic(diagnostic)}\n`);
        io.out(`${summary(result)}\n`);
      }
    }
    return results.every((result) => result.ok) ? EXIT.ok : EXIT.invalid;
  },
};

/** Environment names and file paths to absolute paths, each with the name to show for it. */
function resolveTargets(targets: string[], cwd: string): { path: string; shown: string }[] {
  const root = findRepositoryRoot(cwd);
  const show = (path: string) => relative(cwd, path) || path;
  if (targets.length === 0) {
    if (!root)
      throw new UsageError(
        'not inside a geostage repository (no nx.json above this folder): name a topology file',
      );
    const environments = listEnvironments(root);
    if (environments.length === 0)
      throw new UsageError(`no environments in ${show(root) || '.'}/environments`);
    return environments.map((env) => {
      const path = repositoryEnvironment(root, env).topology;
      return { path, shown: show(path) };
    });
  }
  return targets.map((target) => {
    const asFile = resolve(cwd, target);
    if (existsSync(asFile) && statSync(asFile).isFile()) return { path: asFile, shown: target };
    if (existsSync(asFile) && statSync(asFile).isDirectory()) {
      const inside = join(asFile, TOPOLOGY_FILE);
      if (!existsSync(inside))
        throw new UsageError(
          `the folder "${target}" holds no ${TOPOLOGY_FILE}: name a topology file or a folder with one`,
        );
      return { path: inside, shown: show(inside) };
    }
    if (
      root &&
      /^[a-z0-9][a-z0-9-]*$/.test(target) &&
      existsSync(repositoryEnvironment(root, target).topology)
    ) {
      const path = repositoryEnvironment(root, target).topology;
      return { path, shown: show(path) };
    }
    const known = root ? listEnvironments(root) : [];
    throw new UsageError(
      `no environment or file named "${target}"${known.length ? ` (environments: ${known.join(', ')})` : ''}`,
    );
  });
}

async function validateFile(path: string, shown: string): Promise<FileResult> {
  const { topology, diagnostics } = loadTopology(await readFile(path, 'utf8'), shown);
  return {
    file: shown,
    ok: !hasErrors(diagnostics),
    sites: topology ? topology.sites.length : null,
    servers: topology ? topology.servers.length : null,
    diagnostics,
  };
}

function summary(result: FileResult): string {
  const count = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const errors = result.diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = result.diagnostics.length - errors;
  if (!result.ok) {
    return `${result.file}: invalid (${count(errors, 'error')}${warnings ? `, ${count(warnings, 'warning')}` : ''})`;
  }
  const size = `${count(result.sites ?? 0, 'site')}, ${count(result.servers ?? 0, 'server')}`;
  return `${result.file}: ok (${size}${warnings ? `, ${count(warnings, 'warning')}` : ''})`;
}
