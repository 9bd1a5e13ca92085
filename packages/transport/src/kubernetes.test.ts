// The Kubernetes session's requests, built without a cluster; a live check when KUBECONFIG
// points at one (it says it skipped otherwise).
import { ApiException } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import {
  applyRequest,
  classifyFailure,
  connectKubernetes,
  FIELD_MANAGER,
  kubeconfigPath,
  objectPath,
} from './kubernetes.ts';

const statefulSet = {
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: 'gossip-site1', namespace: 'geostage', labels: { 'app.kubernetes.io/name': 'gossip' } },
  spec: { replicas: 2 },
};

describe('Kubernetes requests', () => {
  it('paths: core and grouped kinds, namespaced or not', () => {
    expect(objectPath({ apiVersion: 'v1', kind: 'Namespace', name: 'geostage' })).toBe(
      '/api/v1/namespaces/geostage',
    );
    expect(objectPath({ apiVersion: 'v1', kind: 'Service', namespace: 'geostage', name: 'a' })).toBe(
      '/api/v1/namespaces/geostage/services/a',
    );
    expect(
      objectPath({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', namespace: 'geostage', name: '' }),
    ).toBe('/apis/policy/v1/namespaces/geostage/poddisruptionbudgets');
    expect(() => objectPath({ apiVersion: 'x/v1', kind: 'Widget', name: 'w' })).toThrow(/Widget/);
  });

  it('server-side apply: PATCH of the whole object, field manager geostage, forced, apply content type', () => {
    expect(applyRequest(statefulSet)).toEqual({
      method: 'PATCH',
      path: '/apis/apps/v1/namespaces/geostage/statefulsets/gossip-site1',
      query: { fieldManager: 'geostage', force: 'true' },
      contentType: 'application/apply-patch+yaml',
      body: statefulSet,
    });
    expect(FIELD_MANAGER).toBe('geostage');
  });

  it('failures say what to do: forbidden, unauthorized, unreachable', () => {
    const forbidden = classifyFailure(
      new ApiException(
        403,
        'Forbidden',
        JSON.stringify({ kind: 'Status', message: 'statefulsets.apps is forbidden: User "x" cannot patch' }),
        {},
      ),
      'apply StatefulSet geostage/gossip-site1',
      'https://10.0.0.1:6443',
    );
    expect(forbidden.kind).toBe('forbidden');
    expect(forbidden.message).toMatch(/HTTP 403 statefulsets.apps is forbidden.*may not do this/);
    expect(classifyFailure(new ApiException(401, 'Unauthorized', '', {}), 'read', 's').kind).toBe(
      'unauthorized',
    );
    expect(classifyFailure(new ApiException(404, 'NotFound', '', {}), 'read', 's').kind).toBe('not-found');
    const refused = classifyFailure(
      Object.assign(new TypeError('fetch failed'), {
        cause: new Error('connect ECONNREFUSED 10.0.0.1:6443'),
      }),
      'list StatefulSet',
      'https://10.0.0.1:6443',
    );
    expect(refused.kind).toBe('unreachable');
    expect(refused.message).toContain('https://10.0.0.1:6443 cannot be reached');
  });

  it('no kubeconfig is a failure naming where one is looked for', async () => {
    expect(kubeconfigPath(undefined, {})).toBeNull();
    expect(kubeconfigPath(undefined, { KUBECONFIG: '/k' })).toBe('/k');
    expect(kubeconfigPath('/named', { KUBECONFIG: '/k' })).toBe('/named');
    const none = await connectKubernetes(null);
    expect(none.ok).toBe(false);
    if (!none.ok) expect(none.failure.message).toMatch(/KUBECONFIG/);
  });
});

const live = process.env.KUBECONFIG;
if (!live) console.warn('transport/kubernetes: live test skipped: KUBECONFIG does not point at a cluster');
describe.skipIf(!live)('Kubernetes session against the cluster KUBECONFIG names (live)', () => {
  it('lists namespaces', async () => {
    const session = await connectKubernetes(live!);
    expect(session.ok).toBe(true);
    if (!session.ok) return;
    const listed = await session.value.list('v1', 'Namespace', undefined, '');
    expect(listed.ok, listed.ok ? '' : listed.failure.message).toBe(true);
  });
});
