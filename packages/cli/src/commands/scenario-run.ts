// geostage scenario run: the plan run in the lab, with SIGINT/SIGTERM turned into an abort so
// that every fault is undone and the results say the run was cut short.
import { type LoadedEnvironment, repositoryEnvironment, scenarioResultsFile } from '@geostage/environment';
import { runScenario, type ScenarioPlan } from '@geostage/measure';
import { type CommandInput, EXIT, type Io, positiveInteger } from '../command.ts';

export async function runScenarioCommand(input: {
  plan: ScenarioPlan;
  loaded: LoadedEnvironment;
  root: string;
  values: CommandInput['values'];
  io: Io;
}): Promise<number> {
  const { plan, loaded, io } = input;
  const concurrency = positiveInteger(input.values, 'concurrency', { must: 'a positive number' });
  const name = plan.timeline.name;
  const shown = scenarioResultsFile(repositoryEnvironment('', loaded.name), name);
  const controller = new AbortController();
  const abort = (signal: NodeJS.Signals) => {
    io.err(`geostage: ${signal}: undoing every fault, then stopping\n`);
    controller.abort();
  };
  process.on('SIGINT', abort);
  process.on('SIGTERM', abort);
  try {
    const outcome = await runScenario({
      plan,
      model: loaded.model!,
      environment: loaded.name,
      folder: loaded.paths.folder,
      resultsPath: scenarioResultsFile(loaded.paths, name),
      concurrency,
      signal: controller.signal,
      progress: (line) => io.out(`${line}\n`),
    });
    if (!outcome.ok) {
      io.err(`geostage: ${outcome.error}\n`);
      return EXIT.invalid;
    }
    const { results, undoErrors } = outcome;
    for (const phase of results.phases) {
      if (phase.agrees) continue;
      io.err(`phase "${phase.name}" disagrees with reach:\n`);
      for (const pair of phase.differing)
        io.err(
          `  ${pair.from} -> ${pair.to}: predicted ${pair.predicted ? 'reachable' : 'unreachable'}, measured ${pair.measured ? 'reachable' : 'unreachable'}\n`,
        );
    }
    io.out(`written to ${shown}\n`);
    if (undoErrors.length > 0) {
      io.err(`geostage: some faults could not be undone: ${undoErrors.join('; ')}\n`);
      return EXIT.failure;
    }
    if (results.cutShort) {
      io.err(`geostage: the run was cut short (${results.reason}); every fault was undone\n`);
      return EXIT.invalid;
    }
    return outcome.agrees ? EXIT.ok : EXIT.invalid;
  } finally {
    process.off('SIGINT', abort);
    process.off('SIGTERM', abort);
  }
}
