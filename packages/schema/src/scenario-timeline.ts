// A scenario's timeline: its steps expanded (repeats unrolled, random choices made with the seed)
// into phases, each with the change it makes and the faults in force while it lasts, and those
// faults as edits to devices (router names) for reach to predict with.

import { modelTunnelName } from './checks/scenario.ts';
import type { Model, WanCharacteristics } from './model.ts';
import type { Scenario, ScenarioStep } from './scenario.ts';

export const DEFAULT_SEED = 1;
export const DEFAULT_CONVERGE_SECONDS = 60;

export interface ScenarioPartition {
  sites: string[];
  from: string[];
  mode: 'drop' | 'reject';
}

/** New WAN values for a site pair; absent fields keep the environment's value. */
export interface ScenarioWan {
  a: string;
  b: string;
  delayMs?: number;
  jitterMs?: number;
  lossPercent?: number;
  rateMbps?: number;
}

/** The faults in force during a phase (names as the topology has them). */
export interface ScenarioFaults {
  partitions: ScenarioPartition[];
  /** Tunnels (`siteA--siteB` as the Model names them) with both ends stopped. */
  tunnels: string[];
  /** Routers stopped: every OpenVPN process of theirs (a restart of the router's VPN; its LANs stay routed). */
  routers: string[];
  /** Single OpenVPN processes stopped: the end on `router` of `tunnel`. */
  processes: { router: string; tunnel: string }[];
  servers: string[];
  wan: ScenarioWan[];
}

export type ScenarioChange =
  | { kind: 'start' }
  | ({ kind: 'partition' } & ScenarioPartition)
  | { kind: 'heal'; partitions: ScenarioPartition[] }
  | { kind: 'tunnel-down' | 'tunnel-up'; tunnel: string }
  | { kind: 'router-stop' | 'router-start'; router: string; tunnel: string | null }
  | { kind: 'server-stop' | 'server-start'; servers: string[] }
  | ({ kind: 'wan' } & ScenarioWan)
  | { kind: 'restore' };

export interface ScenarioPhase {
  /** 0 for the start, then one per step, and the last one after every fault is undone. */
  index: number;
  name: string;
  /** What the phase does, in words. */
  steps: string[];
  change: ScenarioChange;
  /** Seconds from the scenario start, or null: once the previous phase converged. */
  at: number | null;
  holdSeconds: number;
  faults: ScenarioFaults;
}

export interface ScenarioTimeline {
  name: string;
  environment: string;
  seed: number;
  convergeSeconds: number;
  phases: ScenarioPhase[];
}

const noFaults = (): ScenarioFaults => ({
  partitions: [],
  tunnels: [],
  routers: [],
  processes: [],
  servers: [],
  wan: [],
});

/** mulberry32: small, fast and the same everywhere, which is all a recorded seed needs. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const without = <T>(items: readonly T[], drop: (item: T) => boolean) => items.filter((item) => !drop(item));
const sorted = (items: Iterable<string>) => [...new Set(items)].sort();

function describe(change: ScenarioChange): string {
  switch (change.kind) {
    case 'start':
      return 'no faults';
    case 'restore':
      return 'every fault undone';
    case 'partition':
      return `partition ${change.sites.join(', ')} from ${change.from.join(', ')} (${change.mode})`;
    case 'heal':
      return change.partitions.length === 0
        ? 'heal (nothing partitioned)'
        : `heal ${change.partitions.map((one) => `${one.sites.join(', ')} | ${one.from.join(', ')}`).join('; ')}`;
    case 'tunnel-down':
    case 'tunnel-up':
      return `${change.kind} ${change.tunnel}`;
    case 'router-stop':
    case 'router-start':
      return `${change.kind} ${change.router}${change.tunnel ? ` (OpenVPN of ${change.tunnel})` : ''}`;
    case 'server-stop':
    case 'server-start':
      return `${change.kind} ${change.servers.join(', ') || '(none)'}`;
    case 'wan': {
      const values = [
        change.delayMs !== undefined ? `delay ${change.delayMs} ms` : null,
        change.jitterMs !== undefined ? `jitter ${change.jitterMs} ms` : null,
        change.lossPercent !== undefined ? `loss ${change.lossPercent}%` : null,
        change.rateMbps !== undefined ? `rate ${change.rateMbps} Mbit/s` : null,
      ].filter((value) => value !== null);
      return `wan ${change.a}--${change.b}: ${values.join(', ') || 'unchanged'}`;
    }
  }
}

/** The change a step makes given the faults in force, and the faults after it. */
function applyStep(
  step: ScenarioStep,
  model: Model,
  faults: ScenarioFaults,
  random: () => number,
): { change: ScenarioChange; faults: ScenarioFaults } {
  const next: ScenarioFaults = structuredClone(faults);
  const siteNames = model.sites.map((site) => site.name);
  if (step.partition) {
    const sites = sorted(step.partition.sites);
    const from = sorted(step.partition.from ?? siteNames.filter((name) => !sites.includes(name)));
    const partition: ScenarioPartition = { sites, from, mode: step.partition.mode ?? 'drop' };
    next.partitions.push(partition);
    return { change: { kind: 'partition', ...partition }, faults: next };
  }
  if (step.heal) {
    const only = step.heal.sites;
    const healed = faults.partitions.filter(
      (one) => !only || only.some((name) => one.sites.includes(name) || one.from.includes(name)),
    );
    next.partitions = without(faults.partitions, (one) => healed.includes(one));
    return { change: { kind: 'heal', partitions: healed }, faults: next };
  }
  const tunnelOf = (name: string) => modelTunnelName(model, name) ?? name;
  if (step['tunnel-down'] !== undefined || step['tunnel-up'] !== undefined) {
    const down = step['tunnel-down'] !== undefined;
    const tunnel = tunnelOf((step['tunnel-down'] ?? step['tunnel-up'])!);
    next.tunnels = down
      ? sorted([...faults.tunnels, tunnel])
      : without(faults.tunnels, (one) => one === tunnel);
    return { change: { kind: down ? 'tunnel-down' : 'tunnel-up', tunnel }, faults: next };
  }
  const routerTarget = step['router-stop'] ?? step['router-start'];
  if (routerTarget !== undefined) {
    const stop = step['router-stop'] !== undefined;
    const router = typeof routerTarget === 'string' ? routerTarget : routerTarget.router;
    const tunnel =
      typeof routerTarget === 'string' || routerTarget.tunnel === undefined
        ? null
        : tunnelOf(routerTarget.tunnel);
    if (tunnel === null) {
      next.routers = stop
        ? sorted([...faults.routers, router])
        : without(faults.routers, (one) => one === router);
      if (!stop) next.processes = without(faults.processes, (one) => one.router === router);
    } else {
      const same = (one: { router: string; tunnel: string }) =>
        one.router === router && one.tunnel === tunnel;
      next.processes = without(faults.processes, same);
      if (stop) next.processes.push({ router, tunnel });
    }
    return { change: { kind: stop ? 'router-stop' : 'router-start', router, tunnel }, faults: next };
  }
  const stop = step['server-stop'];
  if (stop !== undefined) {
    const server = typeof stop === 'string' ? stop : stop.random[Math.floor(random() * stop.random.length)]!;
    next.servers = sorted([...faults.servers, server]);
    return { change: { kind: 'server-stop', servers: [server] }, faults: next };
  }
  const start = step['server-start'];
  if (start !== undefined) {
    const servers = start === 'stopped' ? faults.servers : faults.servers.filter((one) => one === start);
    next.servers = without(faults.servers, (one) => servers.includes(one));
    return {
      change: { kind: 'server-start', servers: start === 'stopped' ? servers : [start] },
      faults: next,
    };
  }
  const wan = step.wan!;
  const [a, b] = [...wan.sites].sort() as [string, string];
  const setting: ScenarioWan = { a, b };
  if (wan.delay !== undefined) setting.delayMs = wan.delay;
  if (wan.jitter !== undefined) setting.jitterMs = wan.jitter;
  if (wan.loss !== undefined) setting.lossPercent = wan.loss;
  if (wan.rate !== undefined) setting.rateMbps = wan.rate;
  const previous = faults.wan.find((one) => one.a === a && one.b === b);
  next.wan = [...without(faults.wan, (one) => one.a === a && one.b === b), { ...previous, ...setting }];
  return { change: { kind: 'wan', ...setting }, faults: next };
}

/** Pure: the scenario (already checked against `model`) and the model in, the timeline out. */
export function scenarioTimeline(scenario: Scenario, model: Model): ScenarioTimeline {
  const seed = scenario.seed ?? DEFAULT_SEED;
  const random = seededRandom(seed);
  let faults = noFaults();
  const phases: ScenarioPhase[] = [
    {
      index: 0,
      name: 'start',
      steps: ['no faults'],
      change: { kind: 'start' },
      at: null,
      holdSeconds: 0,
      faults,
    },
  ];
  const run = (steps: readonly ScenarioStep[], passes: string) => {
    for (const step of steps) {
      if (step.repeat) {
        for (let time = 1; time <= step.repeat.times; time++)
          run(step.repeat.steps as ScenarioStep[], `${passes} (${time}/${step.repeat.times})`);
        continue;
      }
      const applied = applyStep(step, model, faults, random);
      faults = applied.faults;
      const hold = step.hold ?? 0;
      const holdSeconds =
        typeof hold === 'number'
          ? hold
          : Math.round((hold.min + random() * (hold.max - hold.min)) * 1000) / 1000;
      const words = describe(applied.change);
      phases.push({
        index: phases.length,
        name: `${step.name ?? words}${passes}`,
        steps: [words],
        change: applied.change,
        at: step.at ?? null,
        holdSeconds,
        faults,
      });
    }
  };
  run(scenario.steps, '');
  phases.push({
    index: phases.length,
    name: 'restored',
    steps: ['every fault undone'],
    change: { kind: 'restore' },
    at: null,
    holdSeconds: 0,
    faults: noFaults(),
  });
  return {
    name: scenario.name,
    environment: model.name,
    seed,
    convergeSeconds: scenario.converge ?? DEFAULT_CONVERGE_SECONDS,
    phases,
  };
}

/** The faults as edits to devices, by router and server name: the plain data reach's prediction takes. */
export interface DeviceFaults {
  stoppedServers: string[];
  /** An OpenVPN end stopped: the end on `router` of its tunnel to `peer` (a router). */
  stoppedTunnelEnds: { router: string; peer: string }[];
  /** Underlay paths dropped between the WANs of `routers` and of `from`. */
  partitions: { routers: string[]; from: string[] }[];
}

export function deviceFaults(model: Model, faults: ScenarioFaults): DeviceFaults {
  const routerOf = new Map(model.sites.map((site) => [site.name, site.router.name] as const));
  const tunnelRouters = (name: string): [string, string] => {
    const tunnel = model.tunnels.find((one) => one.name === name)!;
    return [tunnel.a.router, tunnel.b.router];
  };
  const ends: DeviceFaults['stoppedTunnelEnds'] = [];
  for (const tunnel of faults.tunnels) {
    const [a, b] = tunnelRouters(tunnel);
    ends.push({ router: a, peer: b }, { router: b, peer: a });
  }
  for (const router of faults.routers) {
    for (const tunnel of model.tunnels) {
      if (tunnel.a.router === router) ends.push({ router, peer: tunnel.b.router });
      if (tunnel.b.router === router) ends.push({ router, peer: tunnel.a.router });
    }
  }
  for (const process of faults.processes) {
    const [a, b] = tunnelRouters(process.tunnel);
    ends.push({ router: process.router, peer: process.router === a ? b : a });
  }
  return {
    stoppedServers: [...faults.servers],
    stoppedTunnelEnds: ends,
    partitions: faults.partitions.map((one) => ({
      routers: one.sites.map((site) => routerOf.get(site)!),
      from: one.from.map((site) => routerOf.get(site)!),
    })),
  };
}

/** The WAN values of a site pair during a phase: the environment's, with the phase's changes on top. */
export function phaseWan(
  model: Model,
  faults: ScenarioFaults,
  a: string,
  b: string,
): WanCharacteristics | null {
  const [x, y] = [a, b].sort() as [string, string];
  const pair = model.wan.pairs.find((one) => [one.a, one.b].sort().join('--') === `${x}--${y}`);
  if (!pair) return null;
  const change = faults.wan.find((one) => one.a === x && one.b === y);
  const value = <K extends keyof WanCharacteristics>(key: K, override: number | undefined) =>
    override === undefined ? pair[key] : ({ ...pair[key], value: override } as WanCharacteristics[K]);
  return {
    delayMs: value('delayMs', change?.delayMs),
    jitterMs: value('jitterMs', change?.jitterMs),
    lossPercent: value('lossPercent', change?.lossPercent),
    rateMbps: value('rateMbps', change?.rateMbps),
  };
}
