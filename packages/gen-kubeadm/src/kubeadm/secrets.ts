// The kubeadm secrets: never in generated/ or git, only their placeholders. apply fills them
// from environments/<env>/secrets/<name> when it uploads the file.
import { secretPlaceholder } from '@geostage/schema';

/** `[a-z0-9]{6}.[a-z0-9]{16}`; created before init, because InitConfiguration names it. */
export const BOOTSTRAP_TOKEN = secretPlaceholder('kubeadm/bootstrap-token');
/** `sha256:<64 hex>` of the cluster CA's public key; known only after init on the first control plane. */
export const CA_CERT_HASH = secretPlaceholder('kubeadm/ca-cert-hash');
/** 64 hex (AES-256 key) encrypting the control-plane certificates kubeadm uploads for joining control planes. */
export const CERTIFICATE_KEY = secretPlaceholder('kubeadm/certificate-key');
