// Names of the secrets under environments/<env>/secrets/ and of the public halves under
// environments/<env>/public/. Generators put `secretPlaceholder(name)` where a device needs
// a private key, so these names are the contract between secrets init, the generators and apply.

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

/** Public halves, relative to environments/<env>/public/ (committed). */
export const publicNames = {
  caCertificate: 'ca.crt',
  routerCertificate: (router: string) => `${router}.crt`,
  /** `{ "ca.crt": "<SHA-256>", "<router>.crt": "<SHA-256>" }`, colon-separated upper-case hex. */
  fingerprints: 'fingerprints.json',
  /** RFC 7919 ffdhe2048 DH parameters, for passive TLS ends on VyOS 1.2/1.3 (/config/auth/dh.pem). */
  dhParameters: 'dh.pem',
} as const;
