// kubeadm join on every other node: control planes (with their own API endpoint and the
// certificate key) and workers.
import type { ModelKubernetes, ModelServer } from '@geostage/schema';
import { kubeadmSecretNames, secretPlaceholder } from '@geostage/secrets';
import { type KubeadmDialect, LOCAL_API_SERVER_PORT, type Waits } from './api.ts';
import { controlPlaneEndpoint } from './cluster.ts';
import { nodeRegistration } from './registration.ts';

export function joinDocument(
  kubernetes: ModelKubernetes,
  server: ModelServer,
  dialect: KubeadmDialect,
  waits: Waits,
): Record<string, unknown> {
  const { join, discovery } = dialect.joinWaits(waits);
  const controlPlane = kubernetes.controlPlanes.includes(server.name);
  return {
    apiVersion: dialect.apiVersion,
    kind: 'JoinConfiguration',
    discovery: {
      bootstrapToken: {
        apiServerEndpoint: controlPlaneEndpoint(kubernetes),
        token: secretPlaceholder(kubeadmSecretNames.bootstrapToken),
        // Pinning the CA: without it a node would trust whatever answers at the endpoint.
        caCertHashes: [secretPlaceholder(kubeadmSecretNames.caCertHash)],
      },
      ...discovery,
    },
    nodeRegistration: nodeRegistration(server, dialect),
    ...(controlPlane
      ? {
          controlPlane: {
            localAPIEndpoint: { advertiseAddress: server.address, bindPort: LOCAL_API_SERVER_PORT },
            certificateKey: secretPlaceholder(kubeadmSecretNames.certificateKey),
          },
        }
      : {}),
    ...join,
  };
}
