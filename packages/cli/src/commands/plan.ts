// geostage plan: what apply would upload and run, per phase and host, from the generated files
// on disk. Reaches no host; reads only the names of the files under secrets/.
import {
  blockedSteps,
  buildPlan,
  isPhaseName,
  missingSecrets,
  PHASE_NAMES,
  type Plan,
  planCounts,
  readPlanInput,
  renderPlan,
} from '@geostage/apply';
import { checkFileSet, generateEnvironment } from '@geostage/environment';
import { formatDiagnostic } from '@geostage/schema';
import { type Command, EXIT, positiveInteger, UsageError } from '../command.ts';
import { loadEnvironment, repositoryRoot, selectEnvironments } from '../environment.ts';

export const plan: Command = {
  name: 'plan',
  summary: 'what apply would upload and run, per phase and host (touches nothing)',
  help: `Usage: geostage plan <env> [--format text|json] [--phase NAME] [--parallel N]

Prints, phase by phase and host by host, what apply would upload (generated file -> path on
the device, with its mode) and run, in this order:
  ${PHASE_NAMES.join(', ')}.
Routers are reached at their WAN address; servers at their LAN address through one router and
the VPN, after the tunnel check. Each step lists the secrets its files need
(environments/<env>/secrets/<name>); a step is blocked while one is missing, or while a file
still waits for \`geostage secrets init\` (then generate again). Nothing is uploaded or run:
geostage apply <env> --lab executes the routers and tunnel-check phases over SSH in the lab;
the other phases are planned only.

Options:
  --format text|json   text (default) or the plan as one JSON document.
  --phase NAME         only that phase (the exit code then counts only its steps).
  --parallel N         hosts at once in parallel phases (default 8).
  -h, --help           show this help.

Exit codes: 0 nothing blocked, 1 something blocked (the reasons are printed) or an invalid
topology, 2 usage error, 3 a file could not be read (the cause and path are printed).`,
  options: {
    format: { type: 'string', default: 'text' },
    phase: { type: 'string' },
    parallel: { type: 'string', default: '8' },
  },
  async run({ values, positionals, io }) {
    const format = values.format;
    if (format !== 'text' && format !== 'json')
      throw new UsageError(`--format must be text or json, not "${String(format)}"`);
    if (positionals.length !== 1) throw new UsageError('name one environment');
    const phase = values.phase;
    if (phase !== undefined && (typeof phase !== 'string' || !isPhaseName(phase))) {
      throw new UsageError(`--phase must be one of ${PHASE_NAMES.join(', ')}, not "${String(phase)}"`);
    }
    const parallel = positiveInteger(values, 'parallel');

    const root = repositoryRoot(io.cwd);
    const [name] = selectEnvironments(root, positionals);
    const environment = await loadEnvironment(root, name!);
    for (const diagnostic of environment.diagnostics) io.err(`${formatDiagnostic(diagnostic)}\n`);
    if (!environment.model) {
      io.err(`${environment.source}: invalid, no plan\n`);
      return EXIT.invalid;
    }
    const model = environment.model;
    const { paths } = environment;

    // The plan shows the files on disk; say so when they are not what generate would write now.
    for (const output of await generateEnvironment(paths, model)) {
      const drift = await checkFileSet(output.folder, output.files, environment.source);
      if (drift.length > 0) {
        io.err(
          `${environment.folder}/generated/${output.generator}: ${drift.length} files differ from a fresh generation; the plan shows what is on disk (run geostage generate ${model.name})\n`,
        );
      }
    }

    const full = buildPlan({ ...(await readPlanInput(paths.folder, model)), parallel });
    const shown: Plan =
      phase === undefined ? full : { ...full, phases: full.phases.filter((p) => p.name === phase) };
    const blocked = blockedSteps(shown);
    if (format === 'json') {
      io.out(
        `${JSON.stringify({ ...shown, counts: planCounts(shown.phases), missingSecrets: missingSecrets(shown) }, null, 2)}\n`,
      );
    } else {
      io.out(renderPlan(shown));
    }
    if (blocked.length > 0) {
      io.err(`geostage plan: ${blocked.length} step${blocked.length === 1 ? '' : 's'} blocked:\n`);
      for (const step of blocked) io.err(`  ${step.phase} ${step.host}: ${step.blocked.join('; ')}\n`);
      return EXIT.invalid;
    }
    return EXIT.ok;
  },
};
