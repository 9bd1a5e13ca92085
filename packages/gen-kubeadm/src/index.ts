// gen-kubeadm: Model -> the cluster's FileSet (paths relative to environments/<env>/generated/cluster/).
//   nodes/<server>/kubeadm.yaml             kubeadm init (first control plane) or join
//   load-balancers/<server>/haproxy.cfg     API load balancer; keepalived.conf where a VIP can work
//   cni/<calico|flannel>.yaml               CNI settings with the MTU reasoning
//   manifests/node-labels.yaml              node-role labels, applied after the joins
//   manifests/namespace.yaml, manifests/apps/<app>.yaml   the P2P applications
import {
  collectFiles,
  type FileSet,
  type FileStream,
  type GeneratedFile,
  generatedHeader,
  type Model,
  type ModelKubernetes,
} from '@geostage/schema';
import { cniFile } from './cni/cni.ts';
import { renderHaproxy } from './haproxy/haproxy.ts';
import { keepalivedFiles } from './haproxy/keepalived.ts';
import { kubeadmFiles } from './kubeadm/files.ts';
import { applicationDocuments } from './manifests/application.ts';
import { namespaceDocument } from './manifests/namespace.ts';
import { nodeLabelDocuments } from './manifests/node-roles.ts';
import { yamlDocuments } from './yaml-documents.ts';

export { KUBEADM_DIALECTS } from './kubeadm/api.ts';
export { DUMMY_SECRETS, type KubeadmProblem, validateKubeadmFile } from './kubeadm/validate.ts';
export { kubeletMaySet } from './node-labels.ts';

export function generateCluster(model: Model): { files: FileSet; warnings: string[] } {
  return collectFiles(clusterFiles(model));
}

/** The same files, the nodes' kubeadm files one at a time (FileStream). */
export function clusterFiles(model: Model): FileStream {
  const kubernetes = model.kubernetes;
  if (!kubernetes) return { files: [], warnings: [] };
  const cluster = kubernetes;
  const rest = clusterWideFiles(model, cluster);
  function* files(): Generator<GeneratedFile> {
    yield* kubeadmFiles(model, cluster);
    yield* rest.files;
  }
  return { files: files(), warnings: rest.warnings };
}

/** Everything but the nodes' kubeadm files: a few files, however large the cluster. */
function clusterWideFiles(model: Model, kubernetes: ModelKubernetes): { files: FileSet; warnings: string[] } {
  const header = generatedHeader(model.source, '#');
  const files: FileSet = [];
  const warnings: string[] = [];

  for (const name of kubernetes.loadBalancers) {
    const server = model.servers.find((candidate) => candidate.name === name)!;
    files.push({
      path: `load-balancers/${name}/haproxy.cfg`,
      content: renderHaproxy(model, kubernetes, server),
      mode: 0o644,
    });
  }
  const keepalived = keepalivedFiles(model, kubernetes);
  files.push(...keepalived.files);
  warnings.push(...keepalived.warnings);

  const cni = cniFile(model, kubernetes);
  files.push(cni.file);
  warnings.push(...cni.warnings);

  const nodeLabels = nodeLabelDocuments(model, kubernetes);
  if (nodeLabels.length > 0) {
    files.push({
      path: 'manifests/node-labels.yaml',
      content: yamlDocuments(
        [
          header,
          'Labels a kubelet may not set on itself; apply after every node has joined:',
          '  kubectl apply --server-side --field-manager=geostage -f node-labels.yaml',
        ],
        nodeLabels,
      ),
      mode: 0o644,
    });
  }

  if (model.applications.length > 0) {
    files.push({
      path: 'manifests/namespace.yaml',
      content: yamlDocuments([header, 'The namespace of the P2P applications.'], [namespaceDocument()]),
      mode: 0o644,
    });
  }
  for (const app of model.applications) {
    const plan = applicationDocuments(model, kubernetes, app);
    warnings.push(...plan.warnings);
    const sites = Object.entries(app.replicas)
      .filter(([, replicas]) => replicas > 0)
      .map(([site, replicas]) => `${site} ${replicas}`)
      .join(', ');
    const comments = [
      header,
      `${app.name}: one StatefulSet per site (${sites || 'no site has workers'}), pinned by topology.kubernetes.io/zone.`,
      ...(app.peers.discovery === 'static'
        ? [`Each site's pods get ${app.peers.count} peers at other sites through "${app.peers.argument}".`]
        : []),
    ];
    files.push({
      path: `manifests/apps/${app.name}.yaml`,
      content: yamlDocuments(comments, plan.documents),
      mode: 0o644,
    });
  }

  return { files, warnings };
}
