// What generate and check share: pick environments and generators, load each Model once,
// run the generators, and hand each FileSet to a sink (write it, or compare it).
import { formatDiagnostic } from '@geostage/schema';
import { type CommandInput, EXIT, UsageError } from './command.ts';
import { loadEnvironment, repositoryRoot, selectEnvironments } from './environment.ts';
import { GENERATORS, type Generator, outputFolder } from './generation.ts';

export const GENERATOR_OPTIONS = {
  only: { type: 'string' },
  environment: { type: 'string', multiple: true },
} as const;

export type Sink = (input: {
  folder: string;
  shown: string;
  files: Awaited<ReturnType<Generator['generate']>>['files'];
  source: string;
}) => Promise<boolean>;

export async function runGenerators({ values, positionals, io }: CommandInput, sink: Sink): Promise<number> {
  const root = repositoryRoot(io.cwd);
  const only = values.only;
  const generators = only === undefined ? GENERATORS : GENERATORS.filter((g) => g.name === only);
  if (generators.length === 0) {
    throw new UsageError(
      `--only must be one of ${GENERATORS.map((g) => g.name).join(', ')}, not "${String(only)}"`,
    );
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
    for (const generator of generators) {
      const { files, warnings } = await generator.generate(
        environment.model,
        `${root}/${environment.folder}`,
      );
      for (const warning of warnings) io.err(`${environment.source}: warning: ${warning}\n`);
      const folder = outputFolder(root, environment.folder, generator);
      const shown = `${environment.folder}/generated/${generator.name}`;
      ok = (await sink({ folder, shown, files, source: environment.source })) && ok;
    }
  }
  return ok ? EXIT.ok : EXIT.invalid;
}
