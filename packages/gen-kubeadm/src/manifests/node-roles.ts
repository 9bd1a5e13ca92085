// manifests/node-labels.yaml: the labels a kubelet may not set on itself (node-role.kubernetes.io/*),
// as partial Node objects to apply with server-side apply once every node has joined:
//   kubectl apply --server-side --field-manager=geostage -f node-labels.yaml
// Server-side apply merges only the labels listed here and leaves the rest of each Node alone,
// and rerunning it is harmless; a `kubectl label` script would do the same imperatively.
import type { Model, ModelKubernetes } from '@geostage/schema';
import { postJoinLabels } from '../node-labels.ts';

export function nodeLabelDocuments(model: Model, kubernetes: ModelKubernetes): Record<string, unknown>[] {
  const isNode = new Set([...kubernetes.controlPlanes, ...kubernetes.workers]);
  return model.servers
    .filter((server) => isNode.has(server.name))
    .map((server) => ({ server, labels: postJoinLabels(server) }))
    .filter(({ labels }) => labels.length > 0)
    .map(({ server, labels }) => ({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: server.name, labels: Object.fromEntries(labels) },
    }));
}
