// geostage scenario validate|plan|run <env> <name>: faults over time. plan prints what reach
// predicts for every phase without a lab; run applies each phase in the lab and measures it.
import { loadScenarioOf, repositoryEnvironment } from '@geostage/environment';
import { planScenario, renderPlan } from '@geostage/measure';
import { readGeneratedNetwork } from '@geostage/reach';
import { type Diagnostic, formatDiagnostic, hasErrors, scenarioTimeline } from '@geostage/schema';
import { type Command, EXIT, type Io, UsageError } from '../command.ts';
import { loadEnvironment, repositoryRoot, selectEnvironments } from '../environment.ts';
import { runScenarioCommand } from './scenario-run.ts';

const ACTIONS = ['validate', 'plan', 'run'] as const;
type Action = (typeof ACTIONS)[number];

export const scenario: Command = {
  name: 'scenario',
  summary: 'faults over time: validate a scenario, plan its phases (reach), run it in the lab',
  help: `Usage: geostage scenario validate <env> <name>
       geostage scenario plan <env> <name>
       geostage scenario run <env> <name> [--concurrency N]

A scenario is environments/<env>/scenarios/<name>.yaml: a timeline of steps (partition and
heal sites, take a tunnel down and up, stop and start a router's OpenVPN processes or one of
them, stop and start a server, change a site pair's WAN, repeat a block), each at an offset
(at: seconds) or once the previous phase converged, held for hold: seconds. Random choices
come from seed.

validate  Checks the file: YAML, schema, and every name against the topology.
plan      Prints every phase with the server pairs reach predicts it loses and regains,
          computed from environments/<env>/generated/network with the phase's faults applied
          (a stopped OpenVPN end, a partition as dropped underlay paths). No lab needed.
run       With the lab up (geostage lab up <env>, root): applies each phase's change in the
          lab, measures the reachability matrix until it equals the prediction (or the
          scenario's converge seconds pass), records how long that took, holds, and goes on.
          Every fault is undone at the end, also on SIGINT/SIGTERM, and the faults in force are
          kept in .lab/scenario.json first so that an interrupted run can be undone. Writes
          environments/<env>/results/scenarios/<name>.json.

Options:
  --concurrency N   pairs measured at once (run; default 8).
  -h, --help        show this help.

Exit codes: 0 valid / planned / every phase agreed, 1 invalid scenario or topology, or (run) a
phase disagreed (its pairs are printed), no lab is up, or the run was cut short, 2 usage
error, 3 a fault could not be applied or undone in the lab.`,
  options: {
    concurrency: { type: 'string', default: '8' },
  },
  async run({ values, positionals, io }) {
    const [action, ...names] = positionals;
    if (!ACTIONS.includes(action as Action))
      throw new UsageError(`say what to do: geostage scenario ${ACTIONS.join('|')} <env> <name>`);
    if (names.length !== 2) throw new UsageError('name one environment and one scenario');
    const root = repositoryRoot(io.cwd);
    const [env] = selectEnvironments(root, names.slice(0, 1));
    const name = names[1]!;
    const loaded = await loadEnvironment(root, env!);
    if (!loaded.model) return printProblems(io, loaded.diagnostics);
    const { scenario: checked, diagnostics } = await loadScenarioOf(loaded.paths, name, loaded.model, root);
    if (!checked || hasErrors(diagnostics)) return printProblems(io, diagnostics);
    for (const diagnostic of diagnostics) io.err(`${formatDiagnostic(diagnostic)}\n`);
    const timeline = scenarioTimeline(checked, loaded.model);
    if (action === 'validate') {
      io.out(
        `${repositoryEnvironment('', env!).scenarios}/${name}.yaml: ok (${timeline.phases.length} phases)\n`,
      );
      return EXIT.ok;
    }
    const files = await readGeneratedNetwork(loaded.paths.generated.network).catch(
      () => new Map<string, string>(),
    );
    if (files.size === 0) {
      io.err(`geostage: no generated network files for ${env}; run geostage generate ${env}\n`);
      return EXIT.invalid;
    }
    const plan = planScenario(timeline, loaded.model, files);
    if (action === 'plan') {
      io.out(renderPlan(plan));
      return EXIT.ok;
    }
    return runScenarioCommand({ plan, loaded, root, values, io });
  },
};

function printProblems(io: Io, diagnostics: readonly Diagnostic[]): number {
  for (const diagnostic of diagnostics) io.err(`${formatDiagnostic(diagnostic)}\n`);
  return EXIT.invalid;
}
