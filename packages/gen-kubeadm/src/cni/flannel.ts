// Flannel: the kube-flannel-cfg ConfigMap of the upstream kube-flannel manifest, with the
// pod network and backend from the topology and the pod MTU pinned.
import type { ModelKubernetes } from '@geostage/schema';

const BACKEND = { vxlan: 'vxlan', ipip: 'ipip', none: 'host-gw' } as const;

export function flannelConfigMap(kubernetes: ModelKubernetes): Record<string, unknown> {
  const { encapsulation, mtu } = kubernetes.cni;
  // Flannel derives its MTU from the host interface (1500 - 50 for VXLAN) and hands it to the
  // bridge plugin unless the delegate already has `mtu`; the host interface cannot see the
  // OpenVPN overhead further along the path, so the pod MTU is set here.
  const cniConf = {
    name: 'cbr0',
    cniVersion: '0.3.1',
    plugins: [
      { type: 'flannel', delegate: { hairpinMode: true, isDefaultGateway: true, mtu } },
      { type: 'portmap', capabilities: { portMappings: true } },
    ],
  };
  // Network: the same prefix as kubeadm's networking.podSubnet (flannel takes each node's
  // share from the node's podCIDR, which kube-controller-manager cuts from podSubnet).
  const netConf = {
    Network: kubernetes.podSubnet,
    EnableNFTables: false,
    Backend: { Type: BACKEND[encapsulation] },
  };
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: 'kube-flannel-cfg',
      namespace: 'kube-flannel',
      labels: { app: 'flannel', 'k8s-app': 'flannel', tier: 'node' },
    },
    data: {
      'cni-conf.json': `${JSON.stringify(cniConf, null, 2)}\n`,
      'net-conf.json': `${JSON.stringify(netConf, null, 2)}\n`,
    },
  };
}
