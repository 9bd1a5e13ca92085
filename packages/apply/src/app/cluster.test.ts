// The cluster side of `app`, without a cluster: rollout and readiness decided from StatefulSet
// objects in the shape the apps/v1 API returns them (written by hand after the API reference;
// NOT recorded from a live cluster, none is reachable here), and deploy/update/stop/prune
// against an in-memory session that records every request.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type {
  KubernetesObject,
  KubernetesResult,
  KubernetesSession,
  ObjectReference,
} from '@geostage/transport';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import {
  deployCluster,
  managedSelector,
  pruneSelection,
  rolloutOf,
  stopCluster,
  updateCluster,
  withManagedLabel,
} from './cluster.ts';
import { applicationsFromDocuments } from './manifests.ts';

const root = join(import.meta.dirname, '..', '..', '..', '..');
const manifestsOf = (env: string) => {
  const folder = join(root, 'environments', env, 'generated', 'cluster', 'manifests');
  const text = ['namespace.yaml', 'apps/hello-world.yaml']
    .map((file) => readFileSync(join(folder, file), 'utf8'))
    .join('\n---\n');
  return applicationsFromDocuments(
    parseAllDocuments(text).map((document) => document.toJS() as KubernetesObject),
  );
};

const set = (spec: number, status: Record<string, unknown>, generation = 2): KubernetesObject => ({
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: 'gossip-site1', namespace: 'geostage', generation },
  spec: { replicas: spec },
  status,
});

describe('rollout of a StatefulSet (API-shaped objects, not recorded)', () => {
  it('waits for the controller, then updated, then ready, then the revision', () => {
    expect(
      rolloutOf(set(2, { observedGeneration: 1, replicas: 2, readyReplicas: 2, updatedReplicas: 2 })).reason,
    ).toMatch(/controller/);
    expect(
      rolloutOf(set(2, { observedGeneration: 2, replicas: 2, readyReplicas: 2, updatedReplicas: 1 })),
    ).toMatchObject({ done: false, reason: '1/2 updated' });
    expect(
      rolloutOf(set(2, { observedGeneration: 2, replicas: 2, readyReplicas: 1, updatedReplicas: 2 })),
    ).toMatchObject({ done: false, reason: '1/2 ready' });
    expect(
      rolloutOf(
        set(2, {
          observedGeneration: 2,
          replicas: 2,
          readyReplicas: 2,
          updatedReplicas: 2,
          currentRevision: 'a',
          updateRevision: 'b',
        }),
      ).done,
    ).toBe(false);
    expect(
      rolloutOf(
        set(2, {
          observedGeneration: 2,
          replicas: 2,
          readyReplicas: 2,
          updatedReplicas: 2,
          currentRevision: 'b',
          updateRevision: 'b',
        }),
      ),
    ).toMatchObject({ done: true, ready: 2, desired: 2 });
  });
  it('scaled to zero is done once no replica runs', () => {
    expect(rolloutOf(set(0, { observedGeneration: 2, replicas: 1 })).done).toBe(false);
    expect(rolloutOf(set(0, { observedGeneration: 2, replicas: 0 })).done).toBe(true);
  });
});

describe('prune selection', () => {
  const object = (kind: string, name: string, managed: boolean): KubernetesObject => ({
    apiVersion: 'v1',
    kind,
    metadata: {
      name,
      namespace: 'geostage',
      labels: managed ? { 'app.kubernetes.io/managed-by': 'geostage' } : {},
    },
  });
  it('selects what geostage applied and the manifests no longer have, never an object without its label', () => {
    const listed = [
      object('Service', 'keep', true),
      object('Service', 'gone', true),
      object('Service', 'foreign', false),
    ];
    expect(
      pruneSelection(listed, [object('Service', 'keep', false)]).map((one) => one.metadata.name),
    ).toEqual(['gone']);
    expect(managedSelector()).toBe('app.kubernetes.io/managed-by=geostage');
    expect(managedSelector('gossip')).toBe(
      'app.kubernetes.io/managed-by=geostage,app.kubernetes.io/name=gossip',
    );
  });
});

/** An API server in memory: StatefulSets become ready after `readyAfter` reads unless their site is broken. */
function fakeCluster(
  options: {
    broken?: string[];
    namespaceLabels?: Record<string, string> | null;
    stale?: KubernetesObject[];
  } = {},
) {
  const store = new Map<string, KubernetesObject>();
  const requests: string[] = [];
  const key = (reference: ObjectReference) =>
    `${reference.kind}/${reference.namespace ?? ''}/${reference.name}`;
  if (options.namespaceLabels !== undefined && options.namespaceLabels !== null)
    store.set('Namespace//geostage', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'geostage', labels: options.namespaceLabels },
    });
  for (const object of options.stale ?? []) store.set(key({ ...object, ...object.metadata }), object);
  const ok = <T>(value: T): KubernetesResult<T> => ({ ok: true, value });
  const session: KubernetesSession = {
    server: 'https://fake:6443',
    async apply(object) {
      requests.push(
        `apply ${object.kind} ${object.metadata.name}${object.kind === 'StatefulSet' ? ` replicas=${(object.spec as { replicas: number }).replicas}` : ''}`,
      );
      const old = store.get(key({ ...object, ...object.metadata }));
      const generation = ((old?.metadata.generation as number | undefined) ?? 0) + 1;
      store.set(key({ ...object, ...object.metadata }), {
        ...object,
        metadata: { ...object.metadata, generation },
      });
      return ok(object);
    },
    async read(reference) {
      const object = store.get(key(reference));
      if (object?.kind !== 'StatefulSet') return ok(object ?? null);
      const replicas = (object.spec as { replicas: number }).replicas;
      const site = object.metadata.labels?.['geostage.dev/site'] ?? '';
      const ready = options.broken?.includes(site) ? 0 : replicas;
      return ok({
        ...object,
        status: {
          observedGeneration: object.metadata.generation,
          replicas: ready,
          readyReplicas: ready,
          updatedReplicas: ready,
        },
      });
    },
    async list(_apiVersion, kind, _namespace, selector) {
      requests.push(`list ${kind} ${selector}`);
      return ok(
        [...store.values()].filter(
          (object) =>
            object.kind === kind && object.metadata.labels?.['app.kubernetes.io/managed-by'] === 'geostage',
        ),
      );
    },
    async remove(reference) {
      requests.push(`delete ${reference.kind} ${reference.name}`);
      store.delete(key(reference));
      return ok(null);
    },
  };
  return { session, requests, store };
}

const base = (session: KubernetesSession, lines: string[]) => {
  const manifests = manifestsOf('keio-2019');
  return {
    session,
    manifests,
    applications: manifests.applications,
    progress: (line: string) => lines.push(line),
    timeoutMs: 1000,
    pollMs: 1,
    sleep: async () => {},
  };
};

describe('deploy, update, stop against an in-memory API', () => {
  it("deploy applies the namespace and every site, with geostage's label, prunes the stale object, waits per site", async () => {
    const stale = withManagedLabel({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: 'old-app-site1',
        namespace: 'geostage',
        labels: { 'app.kubernetes.io/name': 'old-app' },
      },
    });
    const { session, requests, store } = fakeCluster({ stale: [stale] });
    const lines: string[] = [];
    expect(await deployCluster(base(session, lines))).toEqual({ ok: true });
    expect(requests.filter((one) => one.startsWith('apply'))).toEqual([
      'apply Namespace geostage',
      'apply Service hello-world-site2',
      'apply StatefulSet hello-world-site2 replicas=1',
      'apply PodDisruptionBudget hello-world-site2',
      'apply Service hello-world-site3',
      'apply StatefulSet hello-world-site3 replicas=1',
      'apply PodDisruptionBudget hello-world-site3',
    ]);
    expect(requests).toContain('delete Service old-app-site1');
    for (const object of store.values())
      expect(object.metadata.labels?.['app.kubernetes.io/managed-by']).toBe('geostage');
    expect(lines).toContain('site2: 1/1 ready (0.0 s)');
    expect(lines).toContain('site3: 1/1 ready (0.0 s)');
  });

  it("refuses a namespace that is not geostage's", async () => {
    const { session, requests } = fakeCluster({ namespaceLabels: { team: 'someone-else' } });
    const result = await deployCluster(base(session, []));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[0]).toMatch(/namespace geostage exists and is not geostage's/);
    expect(requests.filter((one) => one.startsWith('apply'))).toEqual([]);
  });

  it('update goes one site at a time and stops at the first site that does not become ready', async () => {
    const { session, requests } = fakeCluster({ broken: ['site2'] });
    const result = await updateCluster(base(session, []));
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.errors.join('\n')).toMatch(
        /site site2: hello-world-site2 not rolled out[\s\S]*not updated: site3/,
      );
    expect(requests.some((one) => one.includes('hello-world-site3'))).toBe(false);
  });

  it("stop scales every StatefulSet to zero; stop --delete removes only what carries geostage's label", async () => {
    const cluster = fakeCluster();
    await deployCluster(base(cluster.session, []));
    cluster.requests.length = 0;
    expect(await stopCluster(base(cluster.session, []), false)).toEqual({ ok: true });
    expect(cluster.requests.filter((one) => one.startsWith('apply'))).toEqual([
      'apply StatefulSet hello-world-site2 replicas=0',
      'apply StatefulSet hello-world-site3 replicas=0',
    ]);
    cluster.requests.length = 0;
    expect(await stopCluster(base(cluster.session, []), true)).toEqual({ ok: true });
    expect(cluster.requests.filter((one) => one.startsWith('delete')).sort()).toEqual([
      'delete PodDisruptionBudget hello-world-site2',
      'delete PodDisruptionBudget hello-world-site3',
      'delete Service hello-world-site2',
      'delete Service hello-world-site3',
      'delete StatefulSet hello-world-site2',
      'delete StatefulSet hello-world-site3',
    ]);
  });
});
