// The kubeadm API versions, and every difference between them this generator touches, in one
// table. Which one a cluster gets is decided once, by the schema's resolve
// (model.kubernetes.kubeadmApi: v1beta4 for Kubernetes 1.31+, v1beta3 before); renderers ask
// this table and never compare version strings themselves.
import type { ModelKubernetes } from '@geostage/schema';

export type KubeadmApi = ModelKubernetes['kubeadmApi'];
export type Arg = readonly [name: string, value: string];

/** How long kubeadm waits for things that cross sites: slower than kubeadm's LAN defaults. */
export interface Waits {
  /** API server and other static pods becoming healthy (kubeadm default 4m). */
  controlPlane: string;
  /** Discovery of the cluster CA through the load balancer (kubeadm default 5m). */
  discovery: string;
}

export interface KubeadmDialect {
  apiVersion: KubeadmApi;
  /** extraArgs / kubeletExtraArgs: v1beta4 a list of {name, value}; v1beta3 a map. */
  extraArgs(args: readonly Arg[]): unknown;
  /** Fields added to InitConfiguration and to ClusterConfiguration.apiServer for the waits. */
  initWaits(waits: Waits): { init: Record<string, unknown>; apiServer: Record<string, unknown> };
  /** Fields added to JoinConfiguration and to JoinConfiguration.discovery for the waits. */
  joinWaits(waits: Waits): { join: Record<string, unknown>; discovery: Record<string, unknown> };
}

const v1beta3: KubeadmDialect = {
  apiVersion: 'kubeadm.k8s.io/v1beta3',
  extraArgs: (args) => Object.fromEntries(args),
  initWaits: (waits) => ({ init: {}, apiServer: { timeoutForControlPlane: waits.controlPlane } }),
  joinWaits: (waits) => ({ join: {}, discovery: { timeout: waits.discovery } }),
};

// v1beta4 (Kubernetes 1.31): extraArgs became a list (duplicates allowed), and every timeout
// moved into one `timeouts` object on Init/JoinConfiguration.
const v1beta4: KubeadmDialect = {
  apiVersion: 'kubeadm.k8s.io/v1beta4',
  extraArgs: (args) => args.map(([name, value]) => ({ name, value })),
  initWaits: (waits) => ({
    init: { timeouts: { controlPlaneComponentHealthCheck: waits.controlPlane } },
    apiServer: {},
  }),
  joinWaits: (waits) => ({
    join: { timeouts: { controlPlaneComponentHealthCheck: waits.controlPlane, discovery: waits.discovery } },
    discovery: {},
  }),
};

export const KUBEADM_DIALECTS: Record<KubeadmApi, KubeadmDialect> = {
  'kubeadm.k8s.io/v1beta3': v1beta3,
  'kubeadm.k8s.io/v1beta4': v1beta4,
};

export function dialectFor(kubernetes: ModelKubernetes): KubeadmDialect {
  return KUBEADM_DIALECTS[kubernetes.kubeadmApi];
}

// Component configs kubeadm passes through unchanged; their versions do not follow kubeadm's.
export const KUBELET_CONFIG_API = 'kubelet.config.k8s.io/v1beta1';
export const KUBE_PROXY_CONFIG_API = 'kubeproxy.config.k8s.io/v1alpha1';

/** The port every API server listens on locally; the load balancer's port may differ. */
export const LOCAL_API_SERVER_PORT = 6443;

// Cross-site links are slower and lossier than the LAN kubeadm's defaults assume.
export const CROSS_SITE_WAITS: Waits = { controlPlane: '8m0s', discovery: '10m0s' };
