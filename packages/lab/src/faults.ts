// Faults in a running lab, brought to a wanted set and back: a partition as nftables rules in
// the lab's own underlay namespace (never the host's), a stopped OpenVPN end as its process
// killed (started again with the inventory's command), a stopped server as a drop-everything
// table in its namespace, a WAN change through the lab's wires. What may be in force is written
// to .lab/scenario.json BEFORE it is applied, so an interrupted run can always be undone.
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Model, ScenarioFaults } from '@geostage/schema';
import { phaseWan } from '@geostage/schema';
import { run } from '@geostage/transport';
import writeFileAtomic from 'write-file-atomic';
import type { InventoryRouter, LabInventory } from './inventory.ts';
import { isLabProcess, stopLabProcess } from './processes.ts';
import { type LabState, labFolder, readState, writeState } from './state.ts';
import type { Impairment } from './wan/impairment.ts';
import { setWanLink } from './wan/lab.ts';

/** The nftables table every scenario rule lives in (one name in every namespace it touches). */
export const FAULT_TABLE = 'geostage-scenario';
const FAULTS_FILE = 'scenario.json';

/** .lab/scenario.json: the faults that may be in force (a superset while a change is applied). */
export interface FaultRecord {
  scenario: string;
  /** Every fault that may be in force now. */
  faults: ScenarioFaults;
}

export const NO_FAULTS: ScenarioFaults = {
  partitions: [],
  tunnels: [],
  routers: [],
  processes: [],
  servers: [],
  wan: [],
};

const recordPath = (environmentFolder: string) => join(labFolder(environmentFolder), FAULTS_FILE);

export async function readFaultRecord(environmentFolder: string): Promise<FaultRecord | null> {
  const path = recordPath(environmentFolder);
  if (!existsSync(path)) return null;
  return JSON.parse(await readFile(path, 'utf8')) as FaultRecord;
}

async function writeFaultRecord(environmentFolder: string, record: FaultRecord): Promise<void> {
  await writeFileAtomic(recordPath(environmentFolder), `${JSON.stringify(record, null, 2)}\n`, {
    mode: 0o600,
  });
}

const unique = <T>(items: readonly T[]) => [
  ...new Map(items.map((item) => [JSON.stringify(item), item])).values(),
];

/** Every fault of either set: what may be in force while one changes into the other. */
export function unionOfFaults(a: ScenarioFaults, b: ScenarioFaults): ScenarioFaults {
  return {
    partitions: unique([...a.partitions, ...b.partitions]),
    tunnels: unique([...a.tunnels, ...b.tunnels]),
    routers: unique([...a.routers, ...b.routers]),
    processes: unique([...a.processes, ...b.processes]),
    servers: unique([...a.servers, ...b.servers]),
    wan: unique([...a.wan, ...b.wan]),
  };
}

/** Tunnel ends (`router tunnel`) the faults stop: both ends of a down tunnel, all of a stopped router's, single processes. */
export function stoppedEnds(model: Model, faults: ScenarioFaults): Set<string> {
  const ends = new Set<string>();
  for (const tunnel of model.tunnels) {
    const down = faults.tunnels.includes(tunnel.name);
    for (const end of [tunnel.a, tunnel.b]) {
      if (down || faults.routers.includes(end.router)) ends.add(`${end.router} ${tunnel.name}`);
    }
  }
  for (const process of faults.processes) ends.add(`${process.router} ${process.tunnel}`);
  return ends;
}

/** Pure: the ruleset of the underlay namespace for the partitions (empty when there are none). */
export function partitionRuleset(faults: ScenarioFaults, routers: readonly InventoryRouter[]): string {
  if (faults.partitions.length === 0) return '';
  const seen = (sites: readonly string[]) =>
    routers
      .filter((router) => sites.includes(router.site))
      .flatMap((router) => [router.wan.split('/')[0]!, ...(router.natAddress ? [router.natAddress] : [])]);
  const rules = faults.partitions.flatMap((partition) => {
    const verdict = partition.mode === 'reject' ? 'reject with icmp type host-unreachable' : 'drop';
    const a = `{ ${seen(partition.sites).join(', ')} }`;
    const b = `{ ${seen(partition.from).join(', ')} }`;
    return [`\t\tip saddr ${a} ip daddr ${b} ${verdict}`, `\t\tip saddr ${b} ip daddr ${a} ${verdict}`];
  });
  // The underlay bridges WANs that share a segment and routes between the others: both hooks.
  const chain = (family: string) =>
    [
      `table ${family} ${FAULT_TABLE} {`,
      '\tchain forward {',
      '\t\ttype filter hook forward priority -10; policy accept;',
      ...rules,
      '\t}',
      '}',
    ].join('\n');
  return `${chain('bridge')}\n${chain('ip')}\n`;
}

/** A server that answers nobody and sends nothing, until the table goes. */
const STOPPED_SERVER_RULESET = `table inet ${FAULT_TABLE} {
\tchain input {
\t\ttype filter hook input priority -10; policy drop;
\t}
\tchain output {
\t\ttype filter hook output priority -10; policy drop;
\t}
}
`;

/** Replaces the namespace's scenario tables with `ruleset` (none: just removes them). */
async function nft(
  context: FaultContext,
  namespace: string,
  ruleset: string | null,
  families: string[],
): Promise<void> {
  // Deleting a table that is not there fails; that is the state we want, so it is ignored.
  for (const family of families)
    await run('ip', ['netns', 'exec', namespace, 'nft', 'delete', 'table', family, FAULT_TABLE]).catch(
      () => '',
    );
  if (!ruleset) return;
  const file = join(labFolder(context.folder), `scenario-${namespace}.nft`);
  await writeFileAtomic(file, ruleset, { mode: 0o600 });
  await run('ip', ['netns', 'exec', namespace, 'nft', '-f', file]);
}

export interface FaultContext {
  model: Model;
  /** Absolute environments/<env>. */
  folder: string;
  inventory: LabInventory;
  state: LabState;
  scenario: string;
  progress?(line: string): void;
}

/** The tunnel process of `router` for `tunnel` in the inventory. */
function tunnelOf(inventory: LabInventory, router: string, tunnel: string) {
  const found = inventory.routers
    .find((one) => one.name === router)
    ?.tunnels.find((one) => one.tunnel === tunnel);
  if (!found) throw new Error(`the lab has no OpenVPN process of ${router} for ${tunnel}`);
  return found;
}

async function readPid(pidFile: string): Promise<number | null> {
  const pid = Number.parseInt(await readFile(pidFile, 'utf8').catch(() => ''), 10);
  return Number.isInteger(pid) ? pid : null;
}

async function stopEnd(context: FaultContext, router: string, tunnel: string): Promise<void> {
  const process = tunnelOf(context.inventory, router, tunnel);
  const pid = await readPid(process.pidFile);
  if (pid !== null) await stopLabProcess(pid, context.inventory.folder);
}

async function startEnd(context: FaultContext, router: string, tunnel: string): Promise<void> {
  const process = tunnelOf(context.inventory, router, tunnel);
  const lab = context.inventory.folder;
  const running = await readPid(process.pidFile);
  if (running !== null && isLabProcess(running, lab)) return;
  await rm(process.pidFile, { force: true });
  await run(process.command[0]!, process.command.slice(1));
  const deadline = Date.now() + 10_000;
  let pid: number | null = null;
  while (Date.now() < deadline) {
    pid = await readPid(process.pidFile);
    if (pid !== null && isLabProcess(pid, lab)) break;
    await new Promise((done) => setTimeout(done, 50));
  }
  if (pid === null || !isLabProcess(pid, lab))
    throw new Error(`openvpn of ${router} for ${tunnel} did not start`);
  // lab down and lab status find processes by the pids in the state.
  for (const recorded of context.state.processes)
    if (recorded.router === router && recorded.tunnel === tunnel) recorded.pid = pid;
  await writeState(context.folder, context.state);
}

function impairment(model: Model, faults: ScenarioFaults, a: string, b: string): Impairment | null {
  const values = phaseWan(model, faults, a, b);
  if (!values) return null;
  return {
    delayMs: values.delayMs.value ?? 0,
    jitterMs: values.jitterMs.value ?? 0,
    lossPercent: values.lossPercent.value ?? 0,
    rateMbps: values.rateMbps.value,
  };
}

async function setWan(context: FaultContext, from: ScenarioFaults, to: ScenarioFaults): Promise<void> {
  const pairs = unique([...from.wan, ...to.wan].map((one) => ({ a: one.a, b: one.b })));
  if (pairs.length === 0) return;
  const wan = context.state.wan;
  if (wan?.mode !== 'emulated')
    throw new Error(
      `a WAN change needs the lab to emulate the WAN (wan.emulate lab or routers in the topology, lab up without --no-wan)`,
    );
  for (const { a, b } of pairs) {
    const tunnel = context.model.tunnels.find(
      (one) => (one.a.site === a && one.b.site === b) || (one.a.site === b && one.b.site === a),
    );
    if (!tunnel) throw new Error(`no tunnel joins ${a} and ${b}: their WAN has no wire of its own`);
    const values = impairment(context.model, to, a, b)!;
    await setWanLink(wan, tunnel.name, values, values);
  }
  await writeState(context.folder, context.state);
}

/**
 * Brings the lab from the faults in force (`from`) to `to`. The union of both is recorded
 * first; `to` once it is in force. Throws when a fault cannot be applied (the record still
 * holds everything that may be in force, for undoFaults).
 */
export async function changeFaults(
  context: FaultContext,
  from: ScenarioFaults,
  to: ScenarioFaults,
): Promise<void> {
  await writeFaultRecord(context.folder, { scenario: context.scenario, faults: unionOfFaults(from, to) });
  await applyChange(context, from, to);
  await writeFaultRecord(context.folder, { scenario: context.scenario, faults: to });
}

// One piece (over 80 lines): each kind of fault in turn, from `from` to `to`, none recorded here.
async function applyChange(context: FaultContext, from: ScenarioFaults, to: ScenarioFaults): Promise<void> {
  const { model, inventory, state } = context;
  const underlay = state.namespaces.find((namespace) => namespace.role === 'underlay')?.name;
  if (JSON.stringify(from.partitions) !== JSON.stringify(to.partitions)) {
    if (!underlay) throw new Error('the lab has no underlay namespace');
    await nft(context, underlay, partitionRuleset(to, inventory.routers) || null, ['bridge', 'ip']);
  }
  const before = stoppedEnds(model, from);
  const after = stoppedEnds(model, to);
  for (const end of after) {
    if (before.has(end)) continue;
    const [router, tunnel] = end.split(' ') as [string, string];
    context.progress?.(`  stop openvpn ${router} (${tunnel})`);
    await stopEnd(context, router, tunnel);
  }
  for (const end of before) {
    if (after.has(end)) continue;
    const [router, tunnel] = end.split(' ') as [string, string];
    context.progress?.(`  start openvpn ${router} (${tunnel})`);
    await startEnd(context, router, tunnel);
  }
  const namespaceOf = (server: string) => {
    const found = inventory.servers.find((one) => one.name === server);
    if (!found) throw new Error(`the lab has no server ${server}`);
    return found.namespace;
  };
  for (const server of to.servers)
    if (!from.servers.includes(server)) {
      context.progress?.(`  stop server ${server}`);
      await nft(context, namespaceOf(server), STOPPED_SERVER_RULESET, ['inet']);
    }
  for (const server of from.servers)
    if (!to.servers.includes(server)) {
      context.progress?.(`  start server ${server}`);
      await nft(context, namespaceOf(server), null, ['inet']);
    }
  if (JSON.stringify(from.wan) !== JSON.stringify(to.wan)) await setWan(context, from, to);
}

/**
 * Undoes every fault the record lists (an interrupted run's too) and removes the record.
 * Every step is tried; the errors come back, one line each.
 */
export async function undoFaults(
  context: Omit<FaultContext, 'scenario' | 'state'> & { state?: LabState },
): Promise<string[]> {
  const record = await readFaultRecord(context.folder);
  if (!record) return [];
  const state = context.state ?? (await readState(context.folder));
  if (!state) return ['no lab state: nothing to undo the faults in'];
  const errors: string[] = [];
  const full = { ...context, state, scenario: record.scenario };
  const left: ScenarioFaults = structuredClone(record.faults);
  // Each kind alone, so that one failure does not keep the others in force.
  const kinds: (keyof ScenarioFaults)[] = ['partitions', 'tunnels', 'routers', 'processes', 'servers', 'wan'];
  for (const kind of kinds) {
    if (left[kind].length === 0) continue;
    try {
      await applyChange(full, { ...NO_FAULTS, [kind]: left[kind] } as ScenarioFaults, NO_FAULTS);
      (left[kind] as unknown[]) = [];
    } catch (error) {
      errors.push(`${kind}: ${(error as Error).message}`);
    }
  }
  if (errors.length === 0) await rm(recordPath(context.folder), { force: true });
  else await writeFaultRecord(context.folder, { scenario: record.scenario, faults: left });
  return errors;
}
