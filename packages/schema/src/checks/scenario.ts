// The checks of a scenario the schema accepted: one action per step, and every name it uses
// (sites, routers, servers, tunnels `siteA--siteB`) is one the environment's Model has.
import { distance as levenshtein } from 'fastest-levenshtein';
import type { Model } from '../model.ts';
import type { YamlPath } from '../positions.ts';
import { type Scenario, type ScenarioStep, STEP_ACTIONS } from '../scenario.ts';
import { error, type Finding } from './finding.ts';

/** `a--b` in either order, as the Model names it (lower site id first); null when no tunnel joins them. */
export function modelTunnelName(model: Model, name: string): string | null {
  const [a, b, ...rest] = name.split('--');
  if (!a || !b || rest.length > 0) return null;
  const found = model.tunnels.find(
    (tunnel) => (tunnel.a.site === a && tunnel.b.site === b) || (tunnel.a.site === b && tunnel.b.site === a),
  );
  return found?.name ?? null;
}

/** `did you mean "x"? ` for the nearest known name within two edits, else ''. */
export function suggestion(name: string, known: readonly string[]): string {
  let best: string | null = null;
  let bestDistance = 3;
  for (const candidate of known) {
    const distance = levenshtein(name, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best ? `did you mean "${best}"? ` : '';
}

// One piece (over 80 lines): one walk over the steps, each action's names checked where it stands.
export function scenarioFindings(scenario: Scenario, model: Model): Finding[] {
  const findings: Finding[] = [];
  const sites = model.sites.map((site) => site.name);
  const routers = model.sites.map((site) => site.router.name);
  const servers = model.servers.map((server) => server.name);
  const tunnels = model.tunnels.map((tunnel) => tunnel.name);
  const unknown = (path: YamlPath, what: string, name: string, known: readonly string[]) =>
    findings.push(
      error(
        `scenario-unknown-${what}`,
        path,
        `${model.name} has no ${what} "${name}"`,
        `${suggestion(name, known)}${what}s of ${model.name}: ${known.join(', ')}`,
      ),
    );
  const site = (path: YamlPath, name: string) => {
    if (!sites.includes(name)) unknown(path, 'site', name, sites);
  };
  const tunnel = (path: YamlPath, name: string) => {
    if (modelTunnelName(model, name) === null) unknown(path, 'tunnel', name, tunnels);
  };
  const router = (path: YamlPath, target: NonNullable<ScenarioStep['router-stop']>) => {
    const name = typeof target === 'string' ? target : target.router;
    const namePath = typeof target === 'string' ? path : [...path, 'router'];
    if (!routers.includes(name)) return unknown(namePath, 'router', name, routers);
    if (typeof target === 'string' || target.tunnel === undefined) return;
    const own = model.sites.find((one) => one.router.name === name)!.name;
    const tunnelName = modelTunnelName(model, target.tunnel);
    if (tunnelName === null) return unknown([...path, 'tunnel'], 'tunnel', target.tunnel, tunnels);
    if (!tunnelName.split('--').includes(own))
      findings.push(
        error(
          'scenario-tunnel-not-on-router',
          [...path, 'tunnel'],
          `tunnel ${target.tunnel} does not end on ${name} (site ${own})`,
          `name one of ${name}'s tunnels: ${tunnels.filter((one) => one.split('--').includes(own)).join(', ')}`,
        ),
      );
  };
  const server = (path: YamlPath, name: string) => {
    if (!servers.includes(name)) unknown(path, 'server', name, servers);
  };
  const walk = (steps: readonly ScenarioStep[], at: YamlPath) => {
    steps.forEach((step, index) => {
      const path = [...at, index];
      const actions = STEP_ACTIONS.filter((action) => step[action] !== undefined);
      if (actions.length !== 1)
        findings.push(
          error(
            'scenario-step-action',
            path,
            actions.length === 0
              ? 'the step has no action'
              : `the step has ${actions.length} actions: ${actions.join(', ')}`,
            `give each step exactly one of: ${STEP_ACTIONS.join(', ')}`,
          ),
        );
      if (step.at !== undefined && step.after !== undefined)
        findings.push(
          error(
            'scenario-step-timing',
            [...path, 'after'],
            'the step has both at and after',
            'a step starts at an offset or after the previous one converged, not both',
          ),
        );
      const hold = step.hold;
      if (typeof hold === 'object' && hold.min > hold.max)
        findings.push(
          error(
            'scenario-hold-range',
            [...path, 'hold'],
            `hold min ${hold.min} is above max ${hold.max}`,
            'swap them',
          ),
        );
      if (step.partition) {
        const { sites: cut, from } = step.partition;
        cut.forEach((name, i) => {
          site([...path, 'partition', 'sites', i], name);
        });
        from?.forEach((name, i) => {
          site([...path, 'partition', 'from', i], name);
        });
        const both = (from ?? []).filter((name) => cut.includes(name));
        const rest = sites.filter((name) => !cut.includes(name));
        if (both.length > 0 || (from === undefined && rest.length === 0))
          findings.push(
            error(
              'scenario-partition-sides',
              [...path, 'partition'],
              both.length > 0
                ? `${both.join(', ')} on both sides of the partition`
                : 'the partition leaves no site on the other side',
              'put each site on one side; the other side must not be empty',
            ),
          );
      }
      step.heal?.sites?.forEach((name, i) => {
        site([...path, 'heal', 'sites', i], name);
      });
      for (const key of ['tunnel-down', 'tunnel-up'] as const) {
        const name = step[key];
        if (name !== undefined) tunnel([...path, key], name);
      }
      for (const key of ['router-stop', 'router-start'] as const) {
        const target = step[key];
        if (target !== undefined) router([...path, key], target);
      }
      const stop = step['server-stop'];
      if (typeof stop === 'string') server([...path, 'server-stop'], stop);
      else
        stop?.random.forEach((name, i) => {
          server([...path, 'server-stop', 'random', i], name);
        });
      const start = step['server-start'];
      if (start !== undefined && start !== 'stopped') server([...path, 'server-start'], start);
      if (step.wan) {
        step.wan.sites.forEach((name, i) => {
          site([...path, 'wan', 'sites', i], name);
        });
        if (step.wan.sites[0] === step.wan.sites[1])
          findings.push(
            error(
              'scenario-wan-pair',
              [...path, 'wan', 'sites'],
              'the WAN change names one site twice',
              'name two sites',
            ),
          );
      }
      if (step.repeat) walk(step.repeat.steps as ScenarioStep[], [...path, 'repeat', 'steps']);
    });
  };
  walk(scenario.steps, ['steps']);
  return findings;
}
