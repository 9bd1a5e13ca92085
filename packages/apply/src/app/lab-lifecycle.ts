// deploy, update, stop and status of applications in the lab, with a cluster's semantics: deploy
// starts every missing or changed replica at once and removes what the manifests no longer
// have; update restarts changed replicas one site at a time (or N) and stops at the first site
// that does not become ready; stop scales to zero (folders kept), --delete removes.
import {
  deleteReplicaFolder,
  isReplicaProcess,
  type LabAppsState,
  type LabReplica,
  type LabReplicaSpec,
  readAppsState,
  replicaDigest,
  replicaReady,
  startReplica,
  stopReplica,
  writeAppsState,
} from '@geostage/lab';
import type { AppStatus, DesiredApplication } from './status.ts';

export interface LabLifecycleOptions {
  environmentFolder: string;
  /** The desired replicas of the applications in scope. */
  replicas: readonly LabReplicaSpec[];
  /** The applications in scope, as the manifests say them. */
  applications: readonly DesiredApplication[];
  progress(line: string): void;
  /** How long a site may take to become ready. */
  timeoutMs: number;
  /** update: sites at once (default 1). */
  sitesAtOnce?: number;
}

export interface LabLifecycleResult {
  ok: boolean;
  errors: string[];
  started: number;
  kept: number;
  stopped: number;
}

const inScope = (options: LabLifecycleOptions) => new Set(options.applications.map((app) => app.name));
const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

/** Restarts what differs among `specs` and waits for them; returns the names not ready in time. */
async function converge(
  options: LabLifecycleOptions,
  state: LabAppsState,
  specs: readonly LabReplicaSpec[],
  counts: { started: number; kept: number; stopped: number },
): Promise<string[]> {
  for (const spec of specs) {
    const index = state.replicas.findIndex((replica) => replica.name === spec.name);
    const record = index >= 0 ? state.replicas[index] : undefined;
    if (record && record.digest === replicaDigest(spec) && replicaReady(record)) {
      counts.kept += 1;
      continue;
    }
    if (record && (await stopReplica(record))) counts.stopped += 1;
    const started = await startReplica(options.environmentFolder, spec);
    counts.started += 1;
    if (index >= 0) state.replicas[index] = started;
    else state.replicas.push(started);
    await writeAppsState(options.environmentFolder, state);
  }
  const deadline = Date.now() + options.timeoutMs;
  const names = new Set(specs.map((spec) => spec.name));
  const current = () => state.replicas.filter((replica) => names.has(replica.name));
  // A replica that exited will not become ready: stop waiting for it.
  while (
    Date.now() < deadline &&
    !current().every((replica) => replicaReady(replica)) &&
    current().every((replica) => isReplicaProcess(replica))
  )
    await new Promise((done) => setTimeout(done, 100));
  return current()
    .filter((replica) => !replicaReady(replica))
    .map((replica) => replica.name);
}

function sitesOf(specs: readonly LabReplicaSpec[]): string[] {
  return [...new Set(specs.map((spec) => spec.site))];
}

function notReadyError(site: string, names: string[], options: LabLifecycleOptions): string {
  return `site ${site}: ${names.join(', ')} not ready (exited, or not listening after ${options.timeoutMs / 1000} s; see .lab/apps/<replica>/replica.log)`;
}

/** Stops and forgets recorded replicas of the apps in scope that the manifests no longer have. */
async function prune(options: LabLifecycleOptions, state: LabAppsState): Promise<number> {
  const scope = inScope(options);
  const wanted = new Set(options.replicas.map((spec) => spec.name));
  const gone = state.replicas.filter((replica) => scope.has(replica.app) && !wanted.has(replica.name));
  for (const replica of gone) {
    await stopReplica(replica);
    options.progress(`${replica.name}: removed (no longer in the manifests)`);
  }
  state.replicas = state.replicas.filter((replica) => !gone.includes(replica));
  return gone.length;
}

export async function deployLab(options: LabLifecycleOptions): Promise<LabLifecycleResult> {
  const state = await readAppsState(options.environmentFolder);
  const counts = { started: 0, kept: 0, stopped: 0 };
  counts.stopped += await prune(options, state);
  state.stopped = state.stopped.filter((name) => !inScope(options).has(name));
  const began = Date.now();
  const missing = await converge(options, state, options.replicas, counts);
  await writeAppsState(options.environmentFolder, state);
  const errors: string[] = [];
  for (const site of sitesOf(options.replicas)) {
    const here = options.replicas.filter((spec) => spec.site === site);
    const late = here.filter((spec) => missing.includes(spec.name)).map((spec) => spec.name);
    if (late.length > 0) errors.push(notReadyError(site, late, options));
    else options.progress(`${site}: ${here.length}/${here.length} ready (${seconds(began)})`);
  }
  return { ok: errors.length === 0, errors, ...counts };
}

export async function updateLab(options: LabLifecycleOptions): Promise<LabLifecycleResult> {
  const state = await readAppsState(options.environmentFolder);
  const counts = { started: 0, kept: 0, stopped: 0 };
  counts.stopped += await prune(options, state);
  state.stopped = state.stopped.filter((name) => !inScope(options).has(name));
  const sites = sitesOf(options.replicas);
  const step = Math.max(1, options.sitesAtOnce ?? 1);
  for (let index = 0; index < sites.length; index += step) {
    const group = sites.slice(index, index + step);
    const began = Date.now();
    const specs = options.replicas.filter((spec) => group.includes(spec.site));
    const before = counts.started;
    const missing = await converge(options, state, specs, counts);
    await writeAppsState(options.environmentFolder, state);
    if (missing.length > 0) {
      const rest = sites.slice(index + step);
      return {
        ok: false,
        errors: [
          notReadyError(group.join(', '), missing, options),
          ...(rest.length > 0
            ? [`not updated: ${rest.join(', ')} (update stops at the first site that fails)`]
            : []),
        ],
        ...counts,
      };
    }
    const restarted = counts.started - before;
    options.progress(
      `${group.join(', ')}: ${restarted === 0 ? 'unchanged' : `${restarted} replica(s) restarted`}, ${specs.length}/${specs.length} ready (${seconds(began)})`,
    );
  }
  return { ok: true, errors: [], ...counts };
}

/** Scales to zero: every replica in scope stopped, its folder and record kept; `remove` deletes both. */
export async function stopLab(options: LabLifecycleOptions, remove: boolean): Promise<LabLifecycleResult> {
  const state = await readAppsState(options.environmentFolder);
  const scope = inScope(options);
  const mine = state.replicas.filter((replica) => scope.has(replica.app));
  const stopped = await Promise.all(mine.map((replica) => stopReplica(replica)));
  for (const site of [...new Set(mine.map((replica) => replica.site))])
    options.progress(`${site}: ${mine.filter((replica) => replica.site === site).length} replica(s) stopped`);
  if (remove) {
    for (const replica of mine) await deleteReplicaFolder(options.environmentFolder, replica);
    state.replicas = state.replicas.filter((replica) => !scope.has(replica.app));
    state.stopped = state.stopped.filter((name) => !scope.has(name));
  } else state.stopped = [...new Set([...state.stopped, ...scope])];
  await writeAppsState(options.environmentFolder, state);
  return { ok: true, errors: [], started: 0, kept: 0, stopped: stopped.filter(Boolean).length };
}

export async function statusLab(
  options: Pick<LabLifecycleOptions, 'environmentFolder' | 'applications'>,
): Promise<AppStatus> {
  const state = await readAppsState(options.environmentFolder);
  const stopped = new Set(state.stopped);
  return {
    applications: options.applications.map((app) => ({
      name: app.name,
      version: app.version,
      sites: app.sites.map((site) => {
        const replicas = state.replicas.filter(
          (replica: LabReplica) => replica.app === app.name && replica.site === site.site,
        );
        const shown = replicas.map((replica) => ({
          name: replica.name,
          server: replica.server as string | null,
          ready: replicaReady(replica),
          version: replica.version,
          peers: replica.peers,
        }));
        return {
          site: site.site,
          desired: stopped.has(app.name) ? 0 : site.desired,
          ready: shown.filter((replica) => replica.ready).length,
          replicas: shown,
        };
      }),
    })),
  };
}
