// Every manifest this package writes, validated with kubernetes-models (the OpenAPI schemas of
// the Kubernetes API), and the P2P layout checked for what a user would notice.
import type { FileSet } from '@geostage/schema';
import { StatefulSet } from 'kubernetes-models/apps/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Namespace, Node, Service } from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { EXAMPLES, exampleModel } from '../examples.ts';
import { generateCluster } from '../index.ts';

// biome-ignore lint/suspicious/noExplicitAny: parsed YAML, walked freely by the assertions
type Doc = Record<string, any>;

// biome-ignore lint/suspicious/noExplicitAny: each model class takes its own data type
const MODELS: Record<string, new (data: any) => { validate(): void }> = {
  'v1 ConfigMap': ConfigMap,
  'v1 Namespace': Namespace,
  'v1 Node': Node,
  'v1 Service': Service,
  'apps/v1 StatefulSet': StatefulSet,
  'policy/v1 PodDisruptionBudget': PodDisruptionBudget,
};
// kubernetes-models covers the Kubernetes API only; Calico's Installation is a CRD of the
// Tigera operator, so it is checked by the CNI tests (fields and values), not by a schema here.
const NOT_COVERED = new Set(['operator.tigera.io/v1 Installation']);

function manifests(files: FileSet): { path: string; document: Doc }[] {
  return files
    .filter((file) => file.path.startsWith('manifests/') || file.path.startsWith('cni/'))
    .flatMap((file) =>
      parseAllDocuments(file.content).map((document) => ({
        path: file.path,
        document: document.toJS() as Doc,
      })),
    );
}

function byKind(files: FileSet, kind: string): Doc[] {
  return manifests(files)
    .map(({ document }) => document)
    .filter((document) => document.kind === kind);
}

for (const example of EXAMPLES) {
  describe(`${example} manifests`, async () => {
    const { files } = generateCluster(await exampleModel(example));

    it('all pass kubernetes-models validation (the Calico Installation CRD excepted)', () => {
      const documents = manifests(files);
      expect(documents.length).toBeGreaterThan(5);
      for (const { path, document } of documents) {
        const key = `${document.apiVersion} ${document.kind}`;
        if (NOT_COVERED.has(key)) continue;
        const Model = MODELS[key];
        expect(Model, `${path}: ${key}`).toBeDefined();
        expect(
          () => new Model!(document).validate(),
          `${path}: ${key} ${document.metadata?.name}`,
        ).not.toThrow();
      }
    });
  });
}

describe('the validation bites', () => {
  it('rejects a StatefulSet with replicas as text and a Service port out of range', async () => {
    const { files } = generateCluster(await exampleModel('keio-2019'));
    const statefulSet = structuredClone(byKind(files, 'StatefulSet')[0]!);
    statefulSet.spec.replicas = 'one';
    expect(() => new StatefulSet(statefulSet as never).validate()).toThrow();
    const service = structuredClone(byKind(files, 'Service')[0]!);
    service.spec.ports[0].port = 'eighty';
    expect(() => new Service(service as never).validate()).toThrow();
  });
});

describe('P2P applications', () => {
  it('keio-2019 hello-world runs at the sites with workers (site2, site3), none at site1', async () => {
    const { files } = generateCluster(await exampleModel('keio-2019'));
    const sets = byKind(files, 'StatefulSet');
    expect(
      sets.map((set) => [set.metadata.name, set.spec.replicas, set.spec.template.spec.nodeSelector]),
    ).toEqual([
      ['hello-world-site2', 1, { 'topology.kubernetes.io/zone': 'site2' }],
      ['hello-world-site3', 1, { 'topology.kubernetes.io/zone': 'site3' }],
    ]);
    // No peer discovery: nginx gets no arguments.
    expect(sets.every((set) => set.spec.template.spec.containers[0].args === undefined)).toBe(true);
  });

  it('global-hub bitcoin: a headless Service, StatefulSet and PodDisruptionBudget per site', async () => {
    const { files } = generateCluster(await exampleModel('global-hub'));
    const app = files.find((file) => file.path === 'manifests/apps/bitcoin.yaml')!;
    const documents = parseAllDocuments(app.content).map((document) => document.toJS() as Doc);
    const names = (kind: string) => documents.filter((d) => d.kind === kind).map((d) => d.metadata.name);
    const sites = ['bitcoin-tokyo', 'bitcoin-osaka', 'bitcoin-berlin', 'bitcoin-campus'];
    expect(names('Service')).toEqual(sites);
    expect(names('StatefulSet')).toEqual(sites);
    expect(names('PodDisruptionBudget')).toEqual(sites);
    for (const document of documents) {
      expect(document.metadata.namespace).toBe('geostage');
      if (document.kind === 'Service') expect(document.spec.clusterIP).toBe('None');
      if (document.kind === 'StatefulSet') {
        expect(document.spec.serviceName).toBe(document.metadata.name);
        const pod = document.spec.template.spec;
        expect(pod.topologySpreadConstraints[0].topologyKey).toBe('kubernetes.io/hostname');
        expect(pod.containers[0].resources.requests).toEqual({ cpu: '250m', memory: '512Mi' });
      }
    }
  });

  it('gives every site 3 peers at other sites, all existing pods, spread over different pods', async () => {
    const model = await exampleModel('global-hub');
    const { files } = generateCluster(model);
    const sets = byKind(files, 'StatefulSet').filter((set) => set.metadata.name.startsWith('bitcoin-'));
    const pods = new Set(
      sets.flatMap((set) => Array.from({ length: set.spec.replicas }, (_, i) => `${set.metadata.name}-${i}`)),
    );
    const targets: string[] = [];
    for (const set of sets) {
      const site = set.spec.template.spec.nodeSelector['topology.kubernetes.io/zone'];
      const peers = (set.spec.template.spec.containers[0].args as string[]).filter((arg) =>
        arg.startsWith('-addnode='),
      );
      expect(peers, site).toHaveLength(3);
      for (const peer of peers) {
        const match = /^-addnode=((bitcoin-([a-z]+))-\d+)\.\2\.geostage\.svc\.cluster\.local:18444$/.exec(
          peer,
        );
        expect(match, peer).not.toBeNull();
        const [, pod, , peerSite] = match!;
        expect(peerSite, `${site} peers with itself`).not.toBe(site);
        expect(pods.has(pod!), `${peer} names no pod`).toBe(true);
        targets.push(pod!);
      }
      expect(new Set(peers).size).toBe(3);
    }
    // Round-robin: the 12 peer slots reach more than one pod per site (8 pods in all).
    expect(new Set(targets).size).toBe(8);
  });

  it('warns when the other sites run fewer pods than the peer count asks for', async () => {
    const model = await exampleModel('global-hub', (topology) => {
      const bitcoin = topology.applications!.find((app) => app.name === 'bitcoin')!;
      bitcoin.replicas = { perSite: 1 };
      bitcoin.peers = { ...bitcoin.peers!, count: 5 };
    });
    const { warnings } = generateCluster(model);
    expect(warnings).toContain(
      'bitcoin: pods at tokyo get 3 peer(s) at other sites, not 5: the other sites run no more replicas',
    );
  });
});

describe('node role labels', () => {
  it('carry only what the kubelet may not set itself: node-role.kubernetes.io/*', async () => {
    const { files } = generateCluster(await exampleModel('global-hub'));
    const nodes = byKind(files, 'Node');
    expect(nodes.find((node) => node.metadata.name === 'cp-osaka')!.metadata.labels).toEqual({
      'node-role.kubernetes.io/control-plane': '',
      'node-role.kubernetes.io/worker': '',
    });
    for (const node of nodes) {
      expect(
        Object.keys(node.metadata.labels).every((label) => label.startsWith('node-role.kubernetes.io/')),
      ).toBe(true);
    }
    expect(nodes).toHaveLength(8);
  });
});
