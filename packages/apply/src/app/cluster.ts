// deploy, update, stop and status of applications on the environment's cluster, through a
// KubernetesSession: server-side apply (field manager geostage) of the generated manifests,
// geostage's label added; prune by that label; rollout waits per site. The decisions (what to
// prune, whether a StatefulSet has rolled out) are pure functions, tested on API responses.
import {
  describeReference,
  type KubernetesFailure,
  type KubernetesObject,
  type KubernetesSession,
  referenceOf,
} from '@geostage/transport';
import { APP_LABEL, type ApplicationManifests, MANAGED_BY, type ManifestApplication } from './manifests.ts';
import type { AppStatus } from './status.ts';

export const MANAGER = 'geostage';
/** The kinds geostage applies for an application, and so the kinds it prunes. */
export const APPLICATION_KINDS = [
  { apiVersion: 'v1', kind: 'Service' },
  { apiVersion: 'apps/v1', kind: 'StatefulSet' },
  { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget' },
] as const;

/** Pure: an object as geostage applies it: its own label added, nothing else changed. */
export function withManagedLabel(object: KubernetesObject): KubernetesObject {
  return {
    ...object,
    metadata: { ...object.metadata, labels: { ...object.metadata.labels, [MANAGED_BY]: MANAGER } },
  };
}

/** Pure: the label selector of what geostage applied, for all applications or one. */
export function managedSelector(app?: string): string {
  return `${MANAGED_BY}=${MANAGER}${app ? `,${APP_LABEL}=${app}` : ''}`;
}

const key = (object: KubernetesObject) =>
  `${object.kind}/${object.metadata.namespace ?? ''}/${object.metadata.name}`;

/**
 * Pure: of the objects listed by geostage's label, those the manifests no longer have. An
 * object without geostage's label is never selected, whatever the list holds.
 */
export function pruneSelection(
  listed: readonly KubernetesObject[],
  desired: readonly KubernetesObject[],
): KubernetesObject[] {
  const wanted = new Set(desired.map(key));
  return listed.filter(
    (object) => object.metadata.labels?.[MANAGED_BY] === MANAGER && !wanted.has(key(object)),
  );
}

export interface Rollout {
  desired: number;
  ready: number;
  updated: number;
  /** True once the controller saw the latest spec and every replica is updated and ready. */
  done: boolean;
  reason: string;
}

interface StatefulSetShape {
  metadata: { generation?: number };
  spec?: { replicas?: number };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    readyReplicas?: number;
    updatedReplicas?: number;
    currentRevision?: string;
    updateRevision?: string;
  };
}

/** Pure: how far a StatefulSet's rollout is, from its status (kubectl rollout status's rule). */
export function rolloutOf(object: KubernetesObject): Rollout {
  const set = object as unknown as StatefulSetShape;
  const desired = set.spec?.replicas ?? 1;
  const status = set.status ?? {};
  const ready = status.readyReplicas ?? 0;
  const updated = status.updatedReplicas ?? 0;
  const base = { desired, ready, updated };
  if ((status.observedGeneration ?? 0) < (set.metadata.generation ?? 1))
    return { ...base, done: false, reason: 'waiting for the controller to see the new spec' };
  if (desired === 0)
    return (status.replicas ?? 0) === 0
      ? { ...base, done: true, reason: 'scaled to zero' }
      : { ...base, done: false, reason: `${status.replicas} replica(s) still running` };
  if (updated < desired) return { ...base, done: false, reason: `${updated}/${desired} updated` };
  if (ready < desired) return { ...base, done: false, reason: `${ready}/${desired} ready` };
  if (status.updateRevision && status.currentRevision !== status.updateRevision)
    return { ...base, done: false, reason: 'revision not current yet' };
  return { ...base, done: true, reason: `${ready}/${desired} ready` };
}

export interface ClusterOptions {
  session: KubernetesSession;
  manifests: ApplicationManifests;
  /** The applications in scope (by name). */
  applications: readonly ManifestApplication[];
  progress(line: string): void;
  timeoutMs: number;
  pollMs?: number;
  sitesAtOnce?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export type ClusterResult = { ok: true } | { ok: false; errors: string[]; failure?: KubernetesFailure };

const fail = (failure: KubernetesFailure): ClusterResult => ({
  ok: false,
  errors: [failure.message],
  failure,
});

/** The namespace must be absent or geostage's: never apply into someone else's. */
async function ensureNamespace(options: ClusterOptions): Promise<ClusterResult> {
  const namespace = options.manifests.namespace;
  if (!namespace) return { ok: true };
  const found = await options.session.read(referenceOf(namespace));
  if (!found.ok) return fail(found.failure);
  if (found.value && found.value.metadata.labels?.[MANAGED_BY] !== MANAGER)
    return {
      ok: false,
      errors: [
        `namespace ${namespace.metadata.name} exists and is not geostage's (no label ${MANAGED_BY}=${MANAGER}): geostage will not apply into it`,
      ],
    };
  const applied = await options.session.apply(withManagedLabel(namespace));
  return applied.ok ? { ok: true } : fail(applied.failure);
}

/** Applies a site's objects, with `replicas` overriding the StatefulSet's when given. */
async function applySite(
  options: ClusterOptions,
  objects: readonly KubernetesObject[],
  replicas?: number,
): Promise<ClusterResult> {
  for (const object of objects) {
    const body = withManagedLabel(object);
    if (replicas !== undefined && object.kind === 'StatefulSet')
      body.spec = { ...(body.spec as Record<string, unknown>), replicas };
    const applied = await options.session.apply(body);
    if (!applied.ok) return fail(applied.failure);
  }
  return { ok: true };
}

/** Waits until every named StatefulSet has rolled out, printing each site once it has. */
async function waitRollouts(
  options: ClusterOptions,
  sets: { site: string; object: KubernetesObject }[],
): Promise<ClusterResult> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise((done) => setTimeout(done, ms)));
  const began = now();
  const pending = new Map(sets.map((set) => [set.object.metadata.name, set] as const));
  const last = new Map<string, string>();
  while (pending.size > 0) {
    for (const [name, set] of [...pending]) {
      const read = await options.session.read(referenceOf(set.object));
      if (!read.ok) return fail(read.failure);
      if (!read.value)
        return {
          ok: false,
          errors: [`${describeReference(referenceOf(set.object))} disappeared while rolling out`],
        };
      const rollout = rolloutOf(read.value);
      if (rollout.done) {
        options.progress(`${set.site}: ${rollout.reason} (${((now() - began) / 1000).toFixed(1)} s)`);
        pending.delete(name);
      } else if (last.get(name) !== rollout.reason) {
        options.progress(`${set.site}: ${rollout.reason}`);
        last.set(name, rollout.reason);
      }
    }
    if (pending.size === 0) break;
    if (now() - began > options.timeoutMs)
      return {
        ok: false,
        errors: [...pending.values()].map(
          (set) =>
            `site ${set.site}: ${set.object.metadata.name} not rolled out after ${options.timeoutMs / 1000} s (${last.get(set.object.metadata.name) ?? ''})`,
        ),
      };
    await sleep(options.pollMs ?? 2000);
  }
  return { ok: true };
}

const statefulSets = (app: ManifestApplication, sites?: readonly string[]) =>
  app.sites
    .filter((site) => !sites || sites.includes(site.site))
    .flatMap((site) =>
      site.objects
        .filter((object) => object.kind === 'StatefulSet')
        .map((object) => ({ site: site.site, object })),
    );

async function pruneCluster(options: ClusterOptions, scope: string | undefined): Promise<ClusterResult> {
  const desired = options.applications.flatMap((app) => app.sites.flatMap((site) => site.objects));
  const namespace = options.manifests.namespace?.metadata.name;
  for (const kind of APPLICATION_KINDS) {
    const listed = await options.session.list(kind.apiVersion, kind.kind, namespace, managedSelector(scope));
    if (!listed.ok) return fail(listed.failure);
    for (const object of pruneSelection(listed.value, desired)) {
      const removed = await options.session.remove(referenceOf(object));
      if (!removed.ok) return fail(removed.failure);
      options.progress(`pruned ${describeReference(referenceOf(object))} (no longer in the topology)`);
    }
  }
  return { ok: true };
}

/** deploy: namespace, every site's objects at once, prune, then wait for every site. */
export async function deployCluster(options: ClusterOptions, scope?: string): Promise<ClusterResult> {
  const namespace = await ensureNamespace(options);
  if (!namespace.ok) return namespace;
  for (const app of options.applications)
    for (const site of app.sites) {
      const applied = await applySite(options, site.objects);
      if (!applied.ok) return applied;
    }
  const pruned = await pruneCluster(options, scope);
  if (!pruned.ok) return pruned;
  return waitRollouts(
    options,
    options.applications.flatMap((app) => statefulSets(app)),
  );
}

/** update: one site (or N) at a time, each waited for; stops at the first site that fails. */
export async function updateCluster(options: ClusterOptions, scope?: string): Promise<ClusterResult> {
  const namespace = await ensureNamespace(options);
  if (!namespace.ok) return namespace;
  const sites = [...new Set(options.applications.flatMap((app) => app.sites.map((site) => site.site)))];
  const step = Math.max(1, options.sitesAtOnce ?? 1);
  for (let index = 0; index < sites.length; index += step) {
    const group = sites.slice(index, index + step);
    for (const app of options.applications)
      for (const site of app.sites.filter((one) => group.includes(one.site))) {
        const applied = await applySite(options, site.objects);
        if (!applied.ok) return applied;
      }
    const waited = await waitRollouts(
      options,
      options.applications.flatMap((app) => statefulSets(app, group)),
    );
    if (!waited.ok) {
      const rest = sites.slice(index + step);
      return {
        ...waited,
        errors: [
          ...waited.errors,
          ...(rest.length > 0
            ? [`not updated: ${rest.join(', ')} (update stops at the first site that fails)`]
            : []),
        ],
      };
    }
  }
  return pruneCluster(options, scope);
}

/** stop: every StatefulSet scaled to zero (volumes kept); with `remove`, every geostage object of the scope deleted. */
export async function stopCluster(
  options: ClusterOptions,
  remove: boolean,
  scope?: string,
): Promise<ClusterResult> {
  if (remove) {
    const namespace = options.manifests.namespace?.metadata.name;
    for (const kind of [...APPLICATION_KINDS].reverse()) {
      const listed = await options.session.list(
        kind.apiVersion,
        kind.kind,
        namespace,
        managedSelector(scope),
      );
      if (!listed.ok) return fail(listed.failure);
      for (const object of listed.value.filter((one) => one.metadata.labels?.[MANAGED_BY] === MANAGER)) {
        const removed = await options.session.remove(referenceOf(object));
        if (!removed.ok) return fail(removed.failure);
        options.progress(`deleted ${describeReference(referenceOf(object))}`);
      }
    }
    return { ok: true };
  }
  for (const app of options.applications)
    for (const site of app.sites) {
      const applied = await applySite(
        options,
        site.objects.filter((object) => object.kind === 'StatefulSet'),
        0,
      );
      if (!applied.ok) return applied;
    }
  return waitRollouts(
    options,
    options.applications.flatMap((app) =>
      statefulSets(app).map((set) => ({
        ...set,
        object: { ...set.object, spec: { ...(set.object.spec as object), replicas: 0 } },
      })),
    ),
  );
}

/** status: ready replicas per site and application, read from the cluster; peers from the manifests. */
export async function statusCluster(
  options: ClusterOptions,
): Promise<{ ok: true; status: AppStatus } | { ok: false; errors: string[] }> {
  const applications: AppStatus['applications'] = [];
  for (const app of options.applications) {
    const sites = [];
    for (const { site, object } of statefulSets(app)) {
      const read = await options.session.read(referenceOf(object));
      if (!read.ok) return { ok: false, errors: [read.failure.message] };
      const rollout = read.value ? rolloutOf(read.value) : { desired: 0, ready: 0 };
      const manifest = app.sites.find((one) => one.site === site)!;
      const peers = manifest.args.filter((arg) => arg.includes('.svc.'));
      sites.push({
        site,
        desired: read.value ? rollout.desired : 0,
        ready: rollout.ready,
        replicas: Array.from({ length: manifest.replicas }, (_, ordinal) => ({
          name: `${manifest.statefulSet}-${ordinal}`,
          server: null,
          ready: ordinal < rollout.ready,
          version: app.version,
          peers,
        })),
      });
    }
    applications.push({ name: app.name, version: app.version, sites });
  }
  return { ok: true, status: { applications } };
}
