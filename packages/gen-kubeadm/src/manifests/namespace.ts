// The namespace every P2P application runs in. A fixed, named namespace (not `default`) so
// that peer DNS names are predictable and `kubectl delete namespace geostage` removes them all.
export const APP_NAMESPACE = 'geostage';

export function namespaceDocument(): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: APP_NAMESPACE, labels: { 'app.kubernetes.io/managed-by': 'geostage' } },
  };
}
