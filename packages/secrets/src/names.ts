// Every secret's name and how it is made: OpenVPN halves under environments/<env>/secrets/ and
// public/, and the kubeadm values. Generators put `secretPlaceholder(name)` where a device needs
// a private value, so these names are the contract between secrets init, the generators and apply.

/** Private halves, relative to environments/<env>/secrets/. */
export const secretNames = {
  /** The CA private key (PEM); only secrets init reads it, to issue router certificates. */
  caKey: 'openvpn/ca.key',
  /** A router's TLS private key (PEM, PKCS#8). */
  routerKey: (router: string) => `openvpn/${router}.key`,
  /** The same key as one line of base64 (the PEM body), for formats that embed it (VyOS `set pki`). */
  routerKeyBody: (router: string) => `openvpn/${router}.key.body`,
  /** A tunnel's OpenVPN static key (V1 format, 2048 bits), shared by both ends. */
  staticKey: (tunnel: string) => `openvpn/${tunnel}.key`,
  /** The static key's 512 hex digits on one line, for formats that embed it (VyOS 1.4+ `set pki openvpn`). */
  staticKeyBody: (tunnel: string) => `openvpn/${tunnel}.key.body`,
} as const;

/** The kubeadm secrets, relative to environments/<env>/secrets/: never in generated/ or git. */
export const kubeadmSecretNames = {
  /** `[a-z0-9]{6}.[a-z0-9]{16}`; created before init, because InitConfiguration names it. */
  bootstrapToken: 'kubeadm/bootstrap-token',
  /** `sha256:<64 hex>` of the cluster CA's public key; known only after init on the first control plane. */
  caCertHash: 'kubeadm/ca-cert-hash',
  /** 64 hex (AES-256 key) encrypting the control-plane certificates kubeadm uploads for joining control planes. */
  certificateKey: 'kubeadm/certificate-key',
} as const;

/** Public halves, relative to environments/<env>/public/ (committed). */
export const publicNames = {
  caCertificate: 'ca.crt',
  routerCertificate: (router: string) => `${router}.crt`,
  /** `{ "ca.crt": "<SHA-256>", "<router>.crt": "<SHA-256>" }`, colon-separated upper-case hex. */
  fingerprints: 'fingerprints.json',
  /** RFC 7919 ffdhe2048 DH parameters, for passive TLS ends on VyOS 1.2/1.3 (/config/auth/dh.pem). */
  dhParameters: 'dh.pem',
} as const;

/**
 * How to create a missing secret, by name: the command to run, or who makes it. `file` is the
 * secret's path as the reader should see it (environments/<env>/secrets/<name>).
 */
export function secretRecipe(name: string, environment: string, file: string): string {
  if (name.startsWith('openvpn/')) return `geostage secrets init ${environment}`;
  if (name === kubeadmSecretNames.bootstrapToken) return `kubeadm token generate > ${file} (mode 0600)`;
  if (name === kubeadmSecretNames.certificateKey)
    return `kubeadm certs certificate-key > ${file} (mode 0600)`;
  if (name === kubeadmSecretNames.caCertHash) return 'made by kubeadm init on the first control plane';
  return `put it in ${file} (mode 0600)`;
}
