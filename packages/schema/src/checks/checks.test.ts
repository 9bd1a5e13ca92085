// Things the checks must accept: each is a choice a user makes on purpose.
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../diagnostics.ts';
import { loadTopology } from '../load.ts';

const base = (release: string, vpn: string, extraServers = '') => `name: lab
sites:
  - name: alpha
    router: { name: rt-alpha, os: vyos, release: "${release}", wan: { interface: eth0, address: 10.4.0.1/16 } }
    segments:
      - { name: lan, prefix: 192.168.1.0/24, gateway: 192.168.1.1, interface: eth1 }
      - { name: dmz, prefix: 192.168.5.0/24, gateway: 192.168.5.1, interface: eth2 }
  - name: beta
    router: { name: rt-beta, os: vyos, release: "${release}", wan: { interface: eth0, address: 10.4.0.2/16 } }
    segments:
      - { name: lan, prefix: 192.168.2.0/24, gateway: 192.168.2.1, interface: eth1 }
servers:
  - { name: lb, site: alpha, address: 192.168.1.10, roles: [load-balancer] }
  - { name: cp1, site: alpha, address: 192.168.1.11, roles: [control-plane] }
  - { name: w1, site: beta, address: 192.168.2.11, roles: [worker] }
${extraServers}
vpn:
${vpn}
kubernetes:
  version: 1.31.0
`;

function messages(text: string): string[] {
  return loadTopology(text, 'lab.yaml').diagnostics.map(formatDiagnostic);
}

describe('semantic checks accept', () => {
  it('static keys on VyOS 1.2 without a cipher: the default is then aes-256-cbc', () => {
    expect(messages(base('1.2', '  authentication: static-key'))).toEqual([]);
  });

  it('static keys by default on VyOS 1.3 with a CBC cipher', () => {
    expect(messages(base('1.3', '  cipher: aes-128-cbc'))).toEqual([]);
  });

  it('TLS on VyOS 1.2 and 1.3 routers', () => {
    expect(messages(base('1.2', '  authentication: tls'))).toEqual([]);
    expect(messages(base('1.3', '  authentication: tls\n  cipher: chacha20-poly1305'))).toEqual([]);
  });

  it('two load balancers on different segments of one site, with a warning that no VIP joins them', () => {
    const extra =
      '  - { name: lb2, site: alpha, segment: dmz, address: 192.168.5.10, roles: [load-balancer] }';
    const loaded = loadTopology(base('1.4', '  pool: 10.255.0.0/24', extra), 'lab.yaml');
    expect(loaded.topology).not.toBeNull();
    expect(loaded.diagnostics.map((d) => `${d.severity} ${d.code}`)).toEqual([
      'warning load-balancer-vip-across-segments',
    ]);
  });

  it('routers on one shared WAN prefix, and a /31 tunnel pool for one tunnel', () => {
    expect(messages(base('1.4', '  pool: 10.255.0.0/31'))).toEqual([]);
  });

  it('a pool of /30 tunnels that fits exactly', () => {
    expect(messages(base('1.4', '  pool: 10.255.0.0/30\n  prefixLength: 30'))).toEqual([]);
  });
});

describe('semantic checks report', () => {
  it('a default pool that overlaps a written prefix, on the written one', () => {
    const text = `${base('1.4', '  port: 1194')}  podSubnet: 10.255.0.0/16\n`;
    expect(messages(text)).toEqual([
      'lab.yaml:21:14: error prefix-overlap: pod subnet 10.255.0.0/16 overlaps the default tunnel pool 10.255.0.0/16\n' +
        '  hint: give every LAN segment, WAN, the tunnel pool and the pod and service subnets address ranges of their own',
    ]);
  });

  it('static keys with an AEAD cipher chosen explicitly, even when static keys are the default', () => {
    const codes = loadTopology(base('1.2', '  cipher: aes-128-gcm'), 'lab.yaml').diagnostics.map(
      (d) => d.code,
    );
    expect(codes).toEqual(['static-key-aead']);
  });
});
