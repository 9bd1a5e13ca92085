// The cluster: a load balancer in front of an odd number of control planes, a Kubernetes
// version kubeadm still supports, a CNI setting the plugin can do, and a pod subnet large
// enough for one /24 per node.
import type { YamlPath } from '../positions.ts';
import type { Topology } from '../topology.ts';
import { type Check, error, type Finding, warning } from './finding.ts';
import { parsePrefix } from './ipv4.ts';

/** The oldest minor release the generators support (kubeadm v1beta3 from 1.26, v1beta4 from 1.31). */
export const OLDEST_KUBERNETES_MINOR = 26;
/** kube-controller-manager gives each node a /24 of the pod subnet by default. */
const NODE_CIDR_LENGTH = 24;

export const checkKubernetes: Check = ({ topology, written }) => {
  const findings: Finding[] = [];
  const kubernetes = topology.kubernetes;
  const servers = topology.servers;
  if (!kubernetes) return findings;
  const path: YamlPath = ['kubernetes'];

  const minor = Number(kubernetes.version.split('.')[1]);
  if (minor < OLDEST_KUBERNETES_MINOR) {
    findings.push(
      error(
        'kubernetes-version-unsupported',
        [...path, 'version'],
        `Kubernetes ${kubernetes.version} is not supported: kubeadm no longer installs it`,
        `use 1.${OLDEST_KUBERNETES_MINOR} or later (kubeadm API v1beta3 for 1.26-1.30, v1beta4 for 1.31+), e.g. 1.32.4`,
      ),
    );
  }

  const loadBalancers = servers.filter((server) => server.roles.includes('load-balancer'));
  const endpoint = kubernetes.controlPlaneEndpoint?.loadBalancer;
  if (endpoint !== undefined) {
    const named = servers.find((server) => server.name === endpoint);
    const endpointPath: YamlPath = [...path, 'controlPlaneEndpoint', 'loadBalancer'];
    if (!named) {
      findings.push(
        error(
          'unknown-server',
          endpointPath,
          `load balancer "${endpoint}" is not a server`,
          loadBalancers.length > 0
            ? `name a load-balancer server: ${loadBalancers.map((server) => server.name).join(', ')}`
            : 'add a server with roles: [load-balancer] and name it here',
        ),
      );
    } else if (!named.roles.includes('load-balancer')) {
      findings.push(
        error(
          'not-a-load-balancer',
          endpointPath,
          `server ${endpoint} is not a load balancer (roles: ${named.roles.join(', ')})`,
          loadBalancers.length > 0
            ? `name a load-balancer server: ${loadBalancers.map((server) => server.name).join(', ')}`
            : `add load-balancer to the roles of ${endpoint}, or add a load-balancer server`,
        ),
      );
    }
  } else if (loadBalancers.length === 0) {
    findings.push(
      error(
        'no-load-balancer',
        path,
        'the cluster has no load balancer: kubeadm needs one controlPlaneEndpoint in front of the control planes',
        'add a server with roles: [load-balancer]',
      ),
    );
  }

  const controlPlanes = servers
    .map((server, index) => ({ server, index }))
    .filter(({ server }) => server.roles.includes('control-plane'));
  if (controlPlanes.length === 0) {
    findings.push(
      error(
        'no-control-plane',
        path,
        'the cluster has no control plane',
        'give one or three servers the control-plane role',
      ),
    );
  } else if (controlPlanes.length % 2 === 0) {
    const last = controlPlanes[controlPlanes.length - 1]!;
    const count = controlPlanes.length;
    const message = `${count} control planes: etcd needs a majority, so ${count} tolerate no more failures than ${count - 1}`;
    const hint = `use an odd number of control planes (${count - 1} or ${count + 1})`;
    const at: YamlPath = ['servers', last.index, 'roles'];
    findings.push(
      count === 2
        ? error('control-plane-quorum', at, `${message}, and losing either one stops the cluster`, hint)
        : warning('control-plane-quorum', at, message, hint),
    );
  }

  // HAProxy and the API server both want the endpoint port on a server that is both.
  const port = kubernetes.controlPlaneEndpoint?.port ?? 6443;
  servers.forEach((server, index) => {
    if (port === 6443 && server.roles.includes('load-balancer') && server.roles.includes('control-plane')) {
      findings.push(
        error(
          'load-balancer-port-conflict',
          ['servers', index, 'roles'],
          `server ${server.name} is both load balancer and control plane: HAProxy and the API server would both listen on port 6443`,
          'put the load balancer on a server of its own, or set kubernetes.controlPlaneEndpoint.port to another port (e.g. 8443)',
        ),
      );
    }
  });

  const cni = kubernetes.cni;
  if (cni?.name === 'flannel' && cni.encapsulation === 'ipip') {
    findings.push(
      error(
        'cni-encapsulation-unsupported',
        [...path, 'cni', 'encapsulation'],
        'flannel cannot encapsulate with ipip (Calico only)',
        'use encapsulation: vxlan with flannel, or name: calico',
      ),
    );
  }

  const pod = parsePrefix(kubernetes.podSubnet ?? '10.244.0.0/16');
  const nodes = servers.filter(
    (server) => server.roles.includes('control-plane') || server.roles.includes('worker'),
  ).length;
  if (pod.ok && nodes > 0) {
    const room = pod.value.subnetMask > NODE_CIDR_LENGTH ? 0 : 2 ** (NODE_CIDR_LENGTH - pod.value.subnetMask);
    if (room < nodes) {
      const fits = NODE_CIDR_LENGTH - Math.ceil(Math.log2(nodes));
      findings.push(
        error(
          'pod-subnet-too-small',
          written.kubernetes?.podSubnet !== undefined ? [...path, 'podSubnet'] : path,
          `pod subnet ${pod.value.address} holds ${room} node block${room === 1 ? '' : 's'} of /${NODE_CIDR_LENGTH}, but the cluster has ${nodes} nodes`,
          `use a pod subnet of /${fits} or shorter`,
        ),
      );
    }
  }
  findings.push(...loadBalancersApart(topology, loadBalancers, endpoint));
  return findings;
};

/**
 * A keepalived VIP moves between hosts of one segment; it cannot span segments, let alone
 * sites. A load balancer on another segment than the endpoint's therefore takes no part in the
 * API endpoint: say so, so that nobody counts on it for failover.
 */
function loadBalancersApart(
  topology: Topology,
  loadBalancers: readonly Topology['servers'][number][],
  endpoint: string | undefined,
): Finding[] {
  if (loadBalancers.length < 2) return [];
  const segmentOf = (server: Topology['servers'][number]) => {
    const site = topology.sites.find((candidate) => candidate.name === server.site);
    return `${server.site}/${server.segment ?? site?.segments[0]?.name ?? ''}`;
  };
  const primary = loadBalancers.find((server) => server.name === endpoint) ?? loadBalancers[0]!;
  const home = segmentOf(primary);
  const findings: Finding[] = [];
  for (const server of loadBalancers) {
    if (segmentOf(server) === home) continue;
    const index = topology.servers.indexOf(server);
    findings.push(
      warning(
        'load-balancer-vip-across-segments',
        ['servers', index, 'roles'],
        `load balancer ${server.name} (${segmentOf(server)}) is not on ${home} with ${primary.name}, which holds the API endpoint: a keepalived VIP cannot span segments or sites, so ${server.name} takes no part in it`,
        `put a second load balancer on ${home} for failover by VIP, or give the endpoint a DNS name (kubernetes.controlPlaneEndpoint.dnsName) whose records you fail over between sites`,
      ),
    );
  }
  return findings;
}
