// What generate and check share: pick environments and generators, load each Model once,
// run the generators (@geostage/environment), and hand each FileSet to a sink (write it, or compare it).
import { repositoryEnvironment, selectGenerators } from '@geostage/environment';
import { formatDiagnostic, type GeneratedFile } from '@geostage/schema';
import { type CommandInput, EXIT, UsageError } from './command.ts';
import { loadEnvironment, repositoryRoot, selectEnvironments } from './environment.ts';
import { withProgress } from './progress.ts';
import { foldWarnings } from './warnings.ts';

export const GENERATOR_OPTIONS = {
  only: { type: 'string' },
  environment: { type: 'string', multiple: true },
} as const;

/**
 * Consumes one generator's files (once: they are made as they are read) and says how it went:
 * whether it succeeded, and the lines to print after the generator's warnings.
 */
export type Sink = (input: {
  folder: string;
  shown: string;
  files: Iterable<GeneratedFile>;
  source: string;
}) => Promise<{ ok: boolean; out: string[] }>;

export async function runGenerators({ values, positionals, io }: CommandInput, sink: Sink): Promise<number> {
  const root = repositoryRoot(io.cwd);
  const only = values.only;
  const selection = selectGenerators(only === undefined ? undefined : String(only));
  if (!selection.ok) {
    throw new UsageError(`--only must be one of ${selection.known.join(', ')}, not "${String(only)}"`);
  }
  const named = [...positionals, ...((values.environment as string[] | undefined) ?? [])];
  let ok = true;
  for (const name of selectEnvironments(root, named)) {
    const environment = await loadEnvironment(root, name);
    for (const diagnostic of environment.diagnostics) io.err(`${formatDiagnostic(diagnostic)}\n`);
    if (!environment.model) {
      io.err(`${environment.source}: invalid, nothing generated\n`);
      ok = false;
      continue;
    }
    const shownPaths = repositoryEnvironment('', name);
    for (const generator of selection.generators) {
      // One generator at a time, its files consumed as they are made; its warnings are known
      // once they have been, and come right before its folder's lines.
      const stream = await generator.stream(environment.model, environment.paths);
      const shown = shownPaths.generated[generator.name];
      // On a terminal, the count of files so far (10,000 sites take tens of seconds).
      const files = io.progress
        ? withProgress(
            stream.files,
            (count) => io.err(`\r${shown}: ${count.toLocaleString('en-US')} files`),
            () => io.err('\r\x1b[K'),
          )
        : stream.files;
      const result = await sink({
        folder: environment.paths.generated[generator.name],
        shown,
        files,
        source: environment.source,
      });
      for (const warning of foldWarnings(stream.warnings))
        io.err(`${environment.source}: warning: ${warning}\n`);
      for (const line of result.out) io.out(line);
      ok = result.ok && ok;
    }
  }
  return ok ? EXIT.ok : EXIT.invalid;
}
