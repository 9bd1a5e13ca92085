// kubeadm init on the first control plane: InitConfiguration + the cluster-wide documents.
import type { Model, ModelKubernetes, ModelServer } from '@geostage/schema';
import { kubeadmSecretNames, secretPlaceholder } from '@geostage/secrets';
import { type KubeadmDialect, LOCAL_API_SERVER_PORT, type Waits } from './api.ts';
import { clusterConfiguration, kubeletConfiguration, kubeProxyConfiguration } from './cluster.ts';
import { nodeRegistration } from './registration.ts';

export function initDocuments(
  model: Model,
  kubernetes: ModelKubernetes,
  server: ModelServer,
  dialect: KubeadmDialect,
  waits: Waits,
): Record<string, unknown>[] {
  const init = {
    apiVersion: dialect.apiVersion,
    kind: 'InitConfiguration',
    bootstrapTokens: [
      {
        token: secretPlaceholder(kubeadmSecretNames.bootstrapToken),
        description: `geostage: joins the nodes of ${model.name}`,
        ttl: '24h0m0s',
        usages: ['signing', 'authentication'],
        groups: ['system:bootstrappers:kubeadm:default-node-token'],
      },
    ],
    nodeRegistration: nodeRegistration(server, dialect),
    localAPIEndpoint: { advertiseAddress: server.address, bindPort: LOCAL_API_SERVER_PORT },
    certificateKey: secretPlaceholder(kubeadmSecretNames.certificateKey),
    ...dialect.initWaits(waits).init,
  };
  return [
    init,
    clusterConfiguration(model, kubernetes, dialect, waits),
    kubeletConfiguration(),
    kubeProxyConfiguration(kubernetes),
  ];
}
