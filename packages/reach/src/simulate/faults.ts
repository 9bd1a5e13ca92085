// Faults as edits to what the devices would do, and the reachability of the faulted network:
// a stopped OpenVPN end is a disabled tunnel end, a stopped router forwards nothing and runs no
// tunnel, a partition drops the underlay between two sets of routers, a stopped server answers
// nobody. Takes plain data (router and server names): reach knows nothing of scenarios.
import type { Device } from '../device.ts';
import { parseDevices } from '../read/devices.ts';
import { type Outcome, outcome, type ReachReport } from '../report/report.ts';
import { reachabilityOf } from './reachability.ts';
import { pairTunnels } from './tunnels.ts';

export interface Faults {
  /** Routers switched off: they forward nothing and every tunnel end of theirs is down. */
  stoppedRouters?: readonly string[];
  /** Servers that answer nobody and send nothing. */
  stoppedServers?: readonly string[];
  /** OpenVPN ends stopped: the end on `router` of its tunnel with `peer` (a router). */
  stoppedTunnelEnds?: readonly { router: string; peer: string }[];
  /** Underlay paths dropped, both ways, between the WANs of `routers` and of `from`. */
  partitions?: readonly { routers: readonly string[]; from: readonly string[] }[];
}

/** What reach expects of the network with the faults applied. */
export interface Prediction {
  /** The faulted network: `after` is the matrix with the faults, `before` is without tunnels. */
  report: ReachReport;
  stoppedServers: string[];
}

const STOPPED_SERVER = (name: string): Outcome => ({
  reachable: false,
  reason: 'no-host',
  at: name,
  detail: `${name} is stopped`,
  path: [],
  tunnels: [],
  routers: 0,
  ttl: null,
});

/** The devices with the faults applied; the input is left as it was. */
export function applyFaults(devices: readonly Device[], faults: Faults): Device[] {
  const stoppedRouters = new Set(faults.stoppedRouters ?? []);
  const ends = faults.stoppedTunnelEnds ?? [];
  const stoppedEnds = new Set<string>();
  if (ends.length > 0) {
    const { byEnd } = pairTunnels(devices);
    for (const [key, { tunnel, partner }] of byEnd) {
      const router = key.slice(0, key.indexOf(' '));
      const peer = partner?.router ?? tunnel.ends.find((end) => end.router !== router)?.router;
      if (ends.some((end) => end.router === router && end.peer === peer)) stoppedEnds.add(key);
    }
  }
  return devices.map((device) => {
    const stopped = stoppedRouters.has(device.name);
    const touched =
      stopped || device.tunnels.some((end) => stoppedEnds.has(`${device.name} ${end.interface}`));
    if (!touched) return device;
    return {
      ...device,
      forwards: stopped ? false : device.forwards,
      tunnels: device.tunnels.map((end) =>
        stopped || stoppedEnds.has(`${device.name} ${end.interface}`) ? { ...end, disabled: true } : end,
      ),
    };
  });
}

/** Whether the underlay between routers `a` and `b` is cut by one of the partitions. */
function cutBy(partitions: NonNullable<Faults['partitions']>) {
  const sides = partitions.map((partition) => ({
    one: new Set(partition.routers),
    other: new Set(partition.from),
  }));
  return (a: string, b: string) =>
    sides.some(({ one, other }) => (one.has(a) && other.has(b)) || (one.has(b) && other.has(a)));
}

/** Pure: the generated files and the faults in, what reach expects of the faulted network out. */
export function predictReachability(files: ReadonlyMap<string, string>, faults: Faults): Prediction {
  const { devices, warnings } = parseDevices(files);
  const partitions = faults.partitions ?? [];
  const report = reachabilityOf(
    applyFaults(devices, faults),
    warnings,
    partitions.length > 0 ? cutBy(partitions) : null,
  );
  return { report, stoppedServers: [...(faults.stoppedServers ?? [])].sort() };
}

/** The predicted outcome between two servers (null on the diagonal). */
export function predictedOutcome(prediction: Prediction, from: string, to: string): Outcome | null {
  if (from === to) return null;
  const stopped = prediction.stoppedServers.find((name) => name === from || name === to);
  if (stopped) return STOPPED_SERVER(stopped);
  return outcome(prediction.report, 'after', from, to);
}

export interface PredictedPair {
  from: string;
  to: string;
  reachable: boolean;
  /** reach's reason when unreachable, e.g. `tunnel-down at vyos02`. */
  why: string | null;
}

/** Every ordered server pair of the prediction, in the report's server order. */
export function predictedPairs(prediction: Prediction): PredictedPair[] {
  const names = prediction.report.servers.map((server) => server.name);
  const pairs: PredictedPair[] = [];
  for (const from of names) {
    for (const to of names) {
      if (from === to) continue;
      const found = predictedOutcome(prediction, from, to)!;
      pairs.push({
        from,
        to,
        reachable: found.reachable,
        why: found.reachable ? null : `${found.reason}${found.at ? ` at ${found.at}` : ''}`,
      });
    }
  }
  return pairs;
}

/** The pairs `next` loses and regains against `previous` (same servers, same order). */
export function pairChanges(
  previous: readonly PredictedPair[],
  next: readonly PredictedPair[],
): { lost: PredictedPair[]; regained: PredictedPair[] } {
  const before = new Map(previous.map((pair) => [`${pair.from} ${pair.to}`, pair.reachable]));
  const lost: PredictedPair[] = [];
  const regained: PredictedPair[] = [];
  for (const pair of next) {
    const was = before.get(`${pair.from} ${pair.to}`);
    if (was === true && !pair.reachable) lost.push(pair);
    if (was === false && pair.reachable) regained.push(pair);
  }
  return { lost, regained };
}
