import type { FileSet } from '@geostage/schema';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { exampleModel } from '../examples.ts';
import { generateCluster } from '../index.ts';

// biome-ignore lint/suspicious/noExplicitAny: parsed YAML, walked freely by the assertions
type Doc = Record<string, any>;

function documentsOf(files: FileSet, node: string): Doc[] {
  const file = files.find((candidate) => candidate.path === `nodes/${node}/kubeadm.yaml`);
  if (!file) throw new Error(`no kubeadm.yaml for ${node}`);
  return parseAllDocuments(file.content).map((document) => document.toJS() as Doc);
}

function argsOf(registration: Doc): Record<string, string> {
  const args = registration.kubeletExtraArgs;
  return Array.isArray(args) ? Object.fromEntries(args.map((arg: Doc) => [arg.name, arg.value])) : args;
}

const KEIO = {
  master01: '192.168.10.101',
  master02: '192.168.10.102',
  master03: '192.168.10.103',
  node01: '192.168.20.101',
  node02: '192.168.20.102',
  node03: '192.168.30.101',
  node04: '192.168.30.102',
} as const;
const ZONE = {
  master01: 'site1',
  master02: 'site1',
  master03: 'site1',
  node01: 'site2',
  node02: 'site2',
  node03: 'site3',
  node04: 'site3',
};

describe('kubeadm configuration for keio-2019 (Kubernetes 1.32, v1beta4)', async () => {
  const { files } = generateCluster(await exampleModel('keio-2019'));

  it('initialises the cluster on master01: Init, Cluster, Kubelet and KubeProxy documents', () => {
    const kinds = documentsOf(files, 'master01').map((document) => `${document.apiVersion} ${document.kind}`);
    expect(kinds).toEqual([
      'kubeadm.k8s.io/v1beta4 InitConfiguration',
      'kubeadm.k8s.io/v1beta4 ClusterConfiguration',
      'kubelet.config.k8s.io/v1beta1 KubeletConfiguration',
      'kubeproxy.config.k8s.io/v1alpha1 KubeProxyConfiguration',
    ]);
  });

  it('puts the load balancer in front: controlPlaneEndpoint and certSANs, subnets, version, systemd cgroups', () => {
    const [, cluster, kubelet, proxy] = documentsOf(files, 'master01');
    expect(cluster!.controlPlaneEndpoint).toBe('192.168.10.253:6443');
    expect(cluster!.apiServer.certSANs).toEqual(['lb', '192.168.10.253']);
    expect(cluster!.networking).toEqual({
      podSubnet: '10.44.0.0/16',
      serviceSubnet: '10.96.0.0/12',
      dnsDomain: 'cluster.local',
    });
    expect(cluster!.kubernetesVersion).toBe('v1.32.4');
    // Every control plane in one site: etcd keeps its LAN timing.
    expect(cluster!.etcd).toBeUndefined();
    expect(kubelet!.cgroupDriver).toBe('systemd');
    expect(proxy!.clusterCIDR).toBe('10.44.0.0/16');
  });

  it('joins master02 and master03 as control planes and node01-04 as workers, through the load balancer', () => {
    for (const node of ['master02', 'master03', 'node01', 'node02', 'node03', 'node04'] as const) {
      const documents = documentsOf(files, node);
      expect(
        documents.map((document) => document.kind),
        node,
      ).toEqual(['JoinConfiguration']);
      const join = documents[0]!;
      expect(join.discovery.bootstrapToken.apiServerEndpoint).toBe('192.168.10.253:6443');
      expect(join.discovery.bootstrapToken.token).toBe('@secret:kubeadm/bootstrap-token@');
      expect(join.discovery.bootstrapToken.caCertHashes).toEqual(['@secret:kubeadm/ca-cert-hash@']);
      if (node.startsWith('master')) {
        expect(join.controlPlane).toEqual({
          localAPIEndpoint: { advertiseAddress: KEIO[node], bindPort: 6443 },
          certificateKey: '@secret:kubeadm/certificate-key@',
        });
      } else {
        expect(join.controlPlane, node).toBeUndefined();
      }
    }
  });

  it('pins every node to its own LAN address and labels it with its site, never with a node role', () => {
    for (const [node, address] of Object.entries(KEIO)) {
      const registration = documentsOf(files, node)[0]!.nodeRegistration;
      expect(registration.name).toBe(node);
      const args = argsOf(registration);
      expect(args['node-ip'], node).toBe(address);
      const zone = ZONE[node as keyof typeof ZONE];
      expect(args['node-labels'], node).toBe(
        `topology.kubernetes.io/region=${zone},topology.kubernetes.io/zone=${zone}`,
      );
      expect(args['node-labels']).not.toContain('node-role');
    }
    expect(documentsOf(files, 'master01')[0]!.localAPIEndpoint).toEqual({
      advertiseAddress: KEIO.master01,
      bindPort: 6443,
    });
  });

  it('creates the bootstrap token and uploads certificates with placeholders, never values', () => {
    const init = documentsOf(files, 'master01')[0]!;
    expect(init.bootstrapTokens[0].token).toBe('@secret:kubeadm/bootstrap-token@');
    expect(init.certificateKey).toBe('@secret:kubeadm/certificate-key@');
  });
});

describe('kubeadm configuration for global-hub (control planes in three sites)', async () => {
  const { files } = generateCluster(await exampleModel('global-hub'));

  it('tunes etcd for links between sites and keeps the DNS name as the endpoint', () => {
    const [, cluster] = documentsOf(files, 'cp-tokyo');
    expect(cluster!.etcd.local.extraArgs).toEqual([
      { name: 'heartbeat-interval', value: '250' },
      { name: 'election-timeout', value: '2500' },
    ]);
    expect(cluster!.controlPlaneEndpoint).toBe('k8s.global-hub.example:6443');
    expect(cluster!.apiServer.certSANs).toEqual(['lb-tokyo', '10.10.0.10', 'k8s.global-hub.example']);
  });

  it('leaves control planes that are also workers untainted, and taints the others by default', () => {
    expect(documentsOf(files, 'cp-osaka')[0]!.nodeRegistration.taints).toEqual([]);
    expect(documentsOf(files, 'cp-berlin')[0]!.nodeRegistration.taints).toEqual([]);
    expect(documentsOf(files, 'cp-tokyo')[0]!.nodeRegistration.taints).toBeUndefined();
  });

  it('labels the region from the site, not the site name', () => {
    const args = argsOf(documentsOf(files, 'w-campus-1')[0]!.nodeRegistration);
    expect(args['node-labels']).toBe(
      'topology.kubernetes.io/region=europe,topology.kubernetes.io/zone=campus',
    );
    expect(args['node-ip']).toBe('10.40.0.21');
  });
});

describe('kubeadm v1beta3 (Kubernetes 1.30)', async () => {
  const model = await exampleModel('global-hub', (topology) => {
    topology.kubernetes!.version = '1.30.6';
  });
  const { files } = generateCluster(model);

  it('is chosen by the model and written with maps for extraArgs and the old timeout fields', () => {
    expect(model.kubernetes!.kubeadmApi).toBe('kubeadm.k8s.io/v1beta3');
    const [init, cluster] = documentsOf(files, 'cp-tokyo');
    expect(init!.apiVersion).toBe('kubeadm.k8s.io/v1beta3');
    expect(init!.nodeRegistration.kubeletExtraArgs).toEqual({
      'node-ip': '10.10.0.11',
      'node-labels': 'topology.kubernetes.io/region=asia,topology.kubernetes.io/zone=tokyo',
    });
    expect(init!.timeouts).toBeUndefined();
    expect(cluster!.apiServer.timeoutForControlPlane).toBe('8m0s');
    expect(cluster!.etcd.local.extraArgs).toEqual({
      'heartbeat-interval': '250',
      'election-timeout': '2500',
    });
    const [join] = documentsOf(files, 'w-osaka-1');
    expect(join!.discovery.timeout).toBe('10m0s');
    expect(join!.timeouts).toBeUndefined();
  });
});
