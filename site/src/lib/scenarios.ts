// The environment's scenarios for the site: each scenarios/<name>.yaml as its timeline (phases
// with reach's prediction for the faulted network) and, when a run was kept, its results
// (results/scenarios/<name>.json: predicted and measured per phase, convergence times).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  environmentPaths,
  listScenarios,
  parseScenarioResults,
  type ScenarioResults,
  scenarioFile,
  scenarioResultsFile,
} from '@geostage/environment';
import { predictedPairs, predictReachability } from '@geostage/reach';
import {
  deviceFaults,
  formatDiagnostic,
  loadScenario,
  type ScenarioTimeline,
  scenarioTimeline,
} from '@geostage/schema';
import type { Environment } from './environments.ts';
import { environmentsDirectory } from './environments.ts';

export interface SiteScenario {
  name: string;
  description: string;
  /** environments/<env>/scenarios/<name>.yaml as readers see it. */
  source: string;
  timeline: ScenarioTimeline | null;
  /** Per phase (same order as the timeline): `from to` -> predicted reachable. */
  predicted: Map<string, boolean>[];
  results: ScenarioResults | null;
  problems: string[];
}

const cache = new Map<string, SiteScenario[]>();

/** Every scenario of the environment, sorted by name; read once per build. */
export function scenariosOf(environment: Environment): SiteScenario[] {
  const found = cache.get(environment.name);
  if (found) return found;
  const paths = environmentPaths(join(environmentsDirectory(), environment.name));
  const network = new Map(
    environment.files
      .filter((file) => file.folder === 'network')
      .map((file) => [file.path, file.content ?? ''] as const),
  );
  const scenarios = listScenarios(paths).map((name): SiteScenario => {
    const source = `environments/${environment.name}/scenarios/${name}.yaml`;
    const scenario: SiteScenario = {
      name,
      description: '',
      source,
      timeline: null,
      predicted: [],
      results: null,
      problems: [],
    };
    if (!environment.model) return scenario;
    const loaded = loadScenario(readFileSync(scenarioFile(paths, name), 'utf8'), source, environment.model);
    scenario.problems.push(...loaded.diagnostics.map(formatDiagnostic));
    if (loaded.scenario) {
      scenario.description = loaded.scenario.description ?? '';
      scenario.timeline = scenarioTimeline(loaded.scenario, environment.model);
      // Predictions are reach runs, one per phase: as costly as the environment's reachability.
      if (network.size > 0 && environment.scale.reachability)
        scenario.predicted = scenario.timeline.phases.map((phase) => {
          const pairs = predictedPairs(
            predictReachability(network, deviceFaults(environment.model!, phase.faults)),
          );
          return new Map(pairs.map((pair) => [`${pair.from} ${pair.to}`, pair.reachable] as const));
        });
    }
    const resultsPath = scenarioResultsFile(paths, name);
    if (existsSync(resultsPath)) {
      const parsed = parseScenarioResults(readFileSync(resultsPath, 'utf8'));
      if (typeof parsed === 'string') scenario.problems.push(parsed);
      else scenario.results = parsed;
    }
    return scenario;
  });
  cache.set(environment.name, scenarios);
  return scenarios;
}

/** `o` every pair reachable, `x` none, `~` some: a site-pair cell over its server pairs. */
export function siteCell(
  servers: Map<string, string>,
  reachable: (from: string, to: string) => boolean | undefined,
  a: string,
  b: string,
): string {
  let yes = 0;
  let no = 0;
  for (const [from, fromSite] of servers) {
    if (fromSite !== a) continue;
    for (const [to, toSite] of servers) {
      if (toSite !== b || to === from) continue;
      const value = reachable(from, to);
      if (value === true) yes++;
      else no++;
    }
  }
  if (yes + no === 0) return '-';
  return no === 0 ? 'o' : yes === 0 ? 'x' : '~';
}
