// Calico through the Tigera operator: the Installation resource (operator.tigera.io/v1).
import type { ModelKubernetes } from '@geostage/schema';

const ENCAPSULATION = { vxlan: 'VXLAN', ipip: 'IPIP', none: 'None' } as const;

export function calicoInstallation(kubernetes: ModelKubernetes): Record<string, unknown> {
  const { encapsulation, mtu } = kubernetes.cni;
  return {
    apiVersion: 'operator.tigera.io/v1',
    kind: 'Installation',
    metadata: { name: 'default' },
    spec: {
      calicoNetwork: {
        // IP-in-IP and unencapsulated pools need BGP to spread the pod routes; VXLAN does not.
        bgp: encapsulation === 'vxlan' ? 'Disabled' : 'Enabled',
        mtu,
        // The node's InternalIP is the kubelet's pinned node-ip: the LAN address other sites route to.
        nodeAddressAutodetectionV4: { kubernetes: 'NodeInternalIP' },
        ipPools: [
          {
            name: 'default-ipv4-ippool',
            // The same prefix as kubeadm's networking.podSubnet.
            cidr: kubernetes.podSubnet,
            blockSize: 26,
            encapsulation: ENCAPSULATION[encapsulation],
            natOutgoing: 'Enabled',
            nodeSelector: 'all()',
          },
        ],
      },
    },
  };
}
