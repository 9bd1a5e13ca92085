// The cluster-wide documents of the first control plane's kubeadm.yaml: ClusterConfiguration,
// KubeletConfiguration and KubeProxyConfiguration.
import type { Model, ModelKubernetes } from '@geostage/schema';
import {
  type Arg,
  KUBE_PROXY_CONFIG_API,
  KUBELET_CONFIG_API,
  type KubeadmDialect,
  type Waits,
} from './api.ts';

/** Sites whose control planes form the etcd cluster. */
function controlPlaneSites(model: Model, kubernetes: ModelKubernetes): Set<string> {
  return new Set(
    model.servers
      .filter((server) => kubernetes.controlPlanes.includes(server.name))
      .map((server) => server.site),
  );
}

// etcd's defaults (heartbeat 100 ms, election 1000 ms) assume a LAN. etcd's tuning guide asks
// for a heartbeat near the round trip between members and an election timeout of at least ten
// times that; 250/2500 ms covers links between continents.
const ETCD_ACROSS_SITES: Arg[] = [
  ['heartbeat-interval', '250'],
  ['election-timeout', '2500'],
];

export function controlPlaneEndpoint(kubernetes: ModelKubernetes): string {
  return `${kubernetes.endpoint.host}:${kubernetes.endpoint.port}`;
}

export function clusterConfiguration(
  model: Model,
  kubernetes: ModelKubernetes,
  dialect: KubeadmDialect,
  waits: Waits,
): Record<string, unknown> {
  const acrossSites = controlPlaneSites(model, kubernetes).size > 1;
  return {
    apiVersion: dialect.apiVersion,
    kind: 'ClusterConfiguration',
    clusterName: model.name,
    kubernetesVersion: `v${kubernetes.version}`,
    controlPlaneEndpoint: controlPlaneEndpoint(kubernetes),
    networking: {
      podSubnet: kubernetes.podSubnet,
      serviceSubnet: kubernetes.serviceSubnet,
      dnsDomain: kubernetes.dnsDomain,
    },
    apiServer: { certSANs: [...kubernetes.endpoint.certSANs], ...dialect.initWaits(waits).apiServer },
    ...(acrossSites ? { etcd: { local: { extraArgs: dialect.extraArgs(ETCD_ACROSS_SITES) } } } : {}),
  };
}

export function kubeletConfiguration(): Record<string, unknown> {
  // systemd: the cgroup driver of containerd on every systemd distribution; kubelet and
  // runtime must agree or pods restart in a loop.
  return { apiVersion: KUBELET_CONFIG_API, kind: 'KubeletConfiguration', cgroupDriver: 'systemd' };
}

export function kubeProxyConfiguration(kubernetes: ModelKubernetes): Record<string, unknown> {
  // clusterCIDR = podSubnet, so kube-proxy tells pod traffic from outside traffic the same way
  // kubeadm and the CNI do.
  return {
    apiVersion: KUBE_PROXY_CONFIG_API,
    kind: 'KubeProxyConfiguration',
    mode: 'iptables',
    clusterCIDR: kubernetes.podSubnet,
  };
}
