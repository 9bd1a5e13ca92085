// One kubeadm.yaml per Kubernetes node: nodes/<server>/kubeadm.yaml.
import { type GeneratedFile, generatedHeader, type Model, type ModelKubernetes } from '@geostage/schema';
import { kubeadmSecretNames } from '@geostage/secrets';
import { yamlDocuments } from '../yaml-documents.ts';
import { CROSS_SITE_WAITS, dialectFor } from './api.ts';
import { initDocuments } from './init.ts';
import { joinDocument } from './join.ts';

const SECRETS_NOTE =
  '@secret:<name>@ placeholders are filled by apply from environments/<env>/secrets/<name> on upload; never commit the values.';

/** Every node's kubeadm.yaml, one node at a time. */
export function* kubeadmFiles(model: Model, kubernetes: ModelKubernetes): Generator<GeneratedFile> {
  const dialect = dialectFor(kubernetes);
  // Sets, not array scans: a cluster of 100,000 nodes is looked up once per server.
  const controlPlanes = new Set(kubernetes.controlPlanes);
  const isNode = new Set([...kubernetes.controlPlanes, ...kubernetes.workers]);
  const nodes = model.servers.filter((server) => isNode.has(server.name));
  for (const server of nodes) {
    const first = server.name === kubernetes.firstControlPlane;
    const role = controlPlanes.has(server.name) ? 'control plane' : 'worker';
    const comments = first
      ? [
          `kubeadm init --config kubeadm.yaml --upload-certs  (${server.name}, the first control plane)`,
          '--upload-certs stores the control-plane certificates, encrypted with the certificate key, for the other control planes.',
          SECRETS_NOTE,
        ]
      : [
          `kubeadm join --config kubeadm.yaml  (${server.name}, ${role}; after kubeadm init on ${kubernetes.firstControlPlane})`,
          `The CA cert hash exists only after init: apply stores it as secrets/${kubeadmSecretNames.caCertHash} (sha256:<hex>).`,
          SECRETS_NOTE,
        ];
    const documents = first
      ? initDocuments(model, kubernetes, server, dialect, CROSS_SITE_WAITS)
      : [joinDocument(kubernetes, server, dialect, CROSS_SITE_WAITS)];
    yield {
      path: `nodes/${server.name}/kubeadm.yaml`,
      content: yamlDocuments([generatedHeader(model.source, '#'), ...comments], documents),
      // Private on the device: once apply fills the placeholders it holds the bootstrap token.
      mode: 0o600,
    };
  }
}
