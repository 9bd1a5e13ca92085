// The environment's scenarios: environments/<env>/scenarios/<name>.yaml, listed and loaded
// against the environment's Model (problems as Diagnostics, a missing file as one too).
import { existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { type Diagnostic, loadScenario, type Model, type Scenario } from '@geostage/schema';
import type { EnvironmentPaths } from './paths.ts';

export const SCENARIO_EXTENSION = '.yaml';

/** Scenario names of the environment, sorted; none when it has no scenarios/ folder. */
export function listScenarios(paths: EnvironmentPaths): string[] {
  if (!existsSync(paths.scenarios)) return [];
  return readdirSync(paths.scenarios)
    .filter((name) => name.endsWith(SCENARIO_EXTENSION))
    .map((name) => name.slice(0, -SCENARIO_EXTENSION.length))
    .sort();
}

export const scenarioFile = (paths: EnvironmentPaths, name: string) =>
  join(paths.scenarios, `${name}${SCENARIO_EXTENSION}`);

/** results/scenarios/<name>.json. */
export const scenarioResultsFile = (paths: EnvironmentPaths, name: string) =>
  join(paths.results, 'scenarios', `${name}.json`);

/** Reads and checks scenario `name`; `root` makes the file name in diagnostics repository-relative. */
export async function loadScenarioOf(
  paths: EnvironmentPaths,
  name: string,
  model: Model,
  root: string,
): Promise<{ scenario: Scenario | null; diagnostics: Diagnostic[] }> {
  const file = scenarioFile(paths, name);
  const shown = relative(root, file) || file;
  if (!existsSync(file)) {
    const known = listScenarios(paths);
    return {
      scenario: null,
      diagnostics: [
        {
          severity: 'error',
          code: 'file-unreadable',
          message: `no scenario named "${name}"`,
          hint: known.length
            ? `scenarios of ${model.name}: ${known.join(', ')}`
            : `${model.name} has no scenarios/ folder`,
          file: shown,
          line: 1,
          column: 1,
          path: '',
        },
      ],
    };
  }
  return loadScenario(await readFile(file, 'utf8'), shown, model);
}
