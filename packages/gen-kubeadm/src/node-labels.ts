// Which node labels a kubelet may set on itself at registration, and which must be applied
// afterwards by an administrator. The NodeRestriction admission plugin rejects a kubelet that
// labels itself inside the kubernetes.io / k8s.io namespaces, except for the list below; so
// `node-role.kubernetes.io/*` cannot go into the kubelet's --node-labels.
import type { ModelServer } from '@geostage/schema';

// From the NodeRestriction plugin (kubelet "allowed labels" in k8s.io/kubernetes
// pkg/kubelet/apis/well_known_labels.go).
const KUBELET_ALLOWED = new Set([
  'kubernetes.io/hostname',
  'kubernetes.io/arch',
  'kubernetes.io/os',
  'beta.kubernetes.io/instance-type',
  'node.kubernetes.io/instance-type',
  'failure-domain.beta.kubernetes.io/region',
  'failure-domain.beta.kubernetes.io/zone',
  'topology.kubernetes.io/region',
  'topology.kubernetes.io/zone',
]);
const KUBELET_ALLOWED_NAMESPACES = ['kubelet.kubernetes.io', 'node.kubernetes.io'];

function namespaceOf(label: string): string {
  const slash = label.indexOf('/');
  return slash < 0 ? '' : label.slice(0, slash);
}

function isReserved(namespace: string): boolean {
  return ['kubernetes.io', 'k8s.io'].some(
    (domain) => namespace === domain || namespace.endsWith(`.${domain}`),
  );
}

export function kubeletMaySet(label: string): boolean {
  if (KUBELET_ALLOWED.has(label)) return true;
  const namespace = namespaceOf(label);
  if (
    KUBELET_ALLOWED_NAMESPACES.some((allowed) => namespace === allowed || namespace.endsWith(`.${allowed}`))
  ) {
    return true;
  }
  return !isReserved(namespace);
}

function sortedEntries(labels: Record<string, string>): [string, string][] {
  return Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Labels the kubelet sets at join (--node-labels), sorted by key. */
export function selfLabels(server: ModelServer): [string, string][] {
  return sortedEntries(server.labels).filter(([key]) => kubeletMaySet(key));
}

/** Labels that must be applied after the node has joined, sorted by key. */
export function postJoinLabels(server: ModelServer): [string, string][] {
  return sortedEntries(server.labels).filter(([key]) => !kubeletMaySet(key));
}

/** The kubelet --node-labels value: `key=value,key=value`. */
export function nodeLabelsArgument(labels: readonly [string, string][]): string {
  return labels.map(([key, value]) => `${key}=${value}`).join(',');
}
