// Defaults for everything optional in a topology. The schema publishes them (`default` and the
// descriptions) and resolve applies them, so both read this one table.
export const DEFAULTS = {
  wanMtu: 1500,
  segmentMtu: 1500,
  serverInterface: 'ens160',
  serverOs: 'ubuntu-24.04',
  linuxRouterRelease: 'debian-12',
  pool: '10.255.0.0/16',
  tunnelPrefixLength: 31,
  port: 1194,
  cipherTls: 'aes-256-gcm',
  cipherStaticKey: 'aes-256-cbc',
  podSubnet: '10.244.0.0/16',
  serviceSubnet: '10.96.0.0/12',
  dnsDomain: 'cluster.local',
  cni: 'calico',
  encapsulation: 'vxlan',
  apiServerPort: 6443,
  cpu: '100m',
  memory: '128Mi',
  peerCount: 2,
} as const;

/** Static keys are the only choice on VyOS 1.2/1.3 in practice; TLS everywhere else. */
export const STATIC_KEY_RELEASES: readonly string[] = ['1.2', '1.3'];
