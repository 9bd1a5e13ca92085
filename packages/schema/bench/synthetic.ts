// Synthetic topologies for benchmarks: N sites in hub-and-spoke (or full mesh), M servers each.
// Addresses are laid out so that every check passes: site i has LAN 10.(i/256).(i%256).0/24.
import { stringify } from 'yaml';

export interface SyntheticOptions {
  sites: number;
  serversPerSite: number;
  policy: 'hub-and-spoke' | 'full-mesh';
  release?: '1.2' | '1.3' | '1.4' | '1.5';
}

export function syntheticTopology(options: SyntheticOptions): Record<string, unknown> {
  const sites = [];
  const servers = [];
  for (let index = 0; index < options.sites; index++) {
    const high = Math.floor(index / 256);
    const low = index % 256;
    const name = `site${index + 1}`;
    sites.push({
      name,
      router: {
        name: `router${index + 1}`,
        os: 'vyos',
        release: options.release ?? '1.4',
        wan: {
          interface: 'eth0',
          address: `100.${64 + high}.${low}.2/24`,
          gateway: `100.${64 + high}.${low}.1`,
        },
      },
      segments: [
        { name: 'lan', prefix: `10.${high}.${low}.0/24`, gateway: `10.${high}.${low}.1`, interface: 'eth1' },
      ],
    });
    for (let server = 0; server < options.serversPerSite; server++) {
      const roles =
        index === 0 && server === 0
          ? ['load-balancer']
          : index === 0 && server < 4
            ? ['control-plane']
            : ['worker'];
      servers.push({
        name: `${name}-server${server + 1}`,
        site: name,
        address: `10.${high}.${low}.${server + 10}`,
        roles,
      });
    }
  }
  return {
    name: 'synthetic',
    sites,
    servers,
    vpn: {
      policy:
        options.policy === 'hub-and-spoke'
          ? { type: 'hub-and-spoke', hubs: ['site1'] }
          : { type: 'full-mesh' },
      pool: '172.16.0.0/12',
      authentication: 'tls',
    },
    kubernetes: { version: '1.33.2', podSubnet: '10.128.0.0/9', serviceSubnet: '10.96.0.0/12' },
    applications: [{ name: 'hello-world', image: 'nginx:1.27', replicas: { perSite: 1 } }],
  };
}

export function syntheticYaml(options: SyntheticOptions): string {
  return stringify(syntheticTopology(options));
}
