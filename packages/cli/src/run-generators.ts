// What generate and check share: pick environments and generators, load each Model once,
// run the generators (@geostage/environment), and hand each FileSet to a sink (write it, or compare it).
import {
  type GeneratedOutput,
  generateEnvironment,
  repositoryEnvironment,
  selectGenerators,
} from '@geostage/environment';
import { formatDiagnostic } from '@geostage/schema';
import { type CommandInput, EXIT, UsageError } from './command.ts';
import { loadEnvironment, repositoryRoot, selectEnvironments } from './environment.ts';
import { foldWarnings } from './warnings.ts';

export const GENERATOR_OPTIONS = {
  only: { type: 'string' },
  environment: { type: 'string', multiple: true },
} as const;

export type Sink = (input: {
  folder: string;
  shown: string;
  files: GeneratedOutput['files'];
  source: string;
}) => Promise<boolean>;

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
      // One generator at a time, so that its warnings come right before its folder's line.
      const [output] = await generateEnvironment(environment.paths, environment.model, [generator]);
      if (!output) continue;
      for (const warning of foldWarnings(output.warnings))
        io.err(`${environment.source}: warning: ${warning}\n`);
      const shown = shownPaths.generated[output.generator];
      ok =
        (await sink({ folder: output.folder, shown, files: output.files, source: environment.source })) && ok;
    }
  }
  return ok ? EXIT.ok : EXIT.invalid;
}
