import type { Topology } from '@geostage/schema';
import { describe, expect, it } from 'vitest';
import { exampleModel } from '../examples.ts';
import { generateCluster } from '../index.ts';
import { quoteWord } from './template.ts';

describe('haproxy.cfg', () => {
  it('keio-2019: balances the API over master01-03 on 6443 with the kubeadm HTTPS health check', async () => {
    const { files } = generateCluster(await exampleModel('keio-2019'));
    const config = files.find((file) => file.path === 'load-balancers/lb/haproxy.cfg')!.content;
    expect(config).toMatch(/frontend apiserver\n {4}bind :6443\n {4}mode tcp\n/);
    for (const line of [
      'option httpchk',
      'http-check connect ssl',
      'http-check send meth GET uri /healthz',
      'http-check expect status 200',
      'server master01 192.168.10.101:6443 check check-ssl verify none',
      'server master02 192.168.10.102:6443 check check-ssl verify none',
      'server master03 192.168.10.103:6443 check check-ssl verify none',
      'timeout connect 10s',
      // Statistics on the load balancer's own LAN address, not on every interface.
      'bind 192.168.10.253:8404',
    ]) {
      expect(config).toContain(`    ${line}\n`);
    }
    expect(config.match(/^\s+server /gm)).toHaveLength(3);
  });

  it('quotes a value that is not a bare word', () => {
    expect(quoteWord('master01')).toBe('master01');
    expect(quoteWord('a b"$c')).toBe('"a b\\"\\$c"');
  });
});

function addLoadBalancer(topology: Topology, server: Topology['servers'][number]): void {
  topology.servers.push(server);
}

describe('keepalived', () => {
  it('pairs two load balancers on one segment with a VRRP address: the endpoint owner and a backup', async () => {
    const model = await exampleModel('keio-2019', (topology) =>
      addLoadBalancer(topology, {
        name: 'lb2',
        site: 'site1',
        interface: 'ens160',
        address: '192.168.10.252',
        roles: ['load-balancer'],
      } as never),
    );
    const { files, warnings } = generateCluster(model);
    expect(warnings).toEqual([]);
    const paths = files.map((file) => file.path).filter((path) => path.startsWith('load-balancers/'));
    expect(paths).toEqual([
      'load-balancers/lb/haproxy.cfg',
      'load-balancers/lb/keepalived.conf',
      'load-balancers/lb2/haproxy.cfg',
      'load-balancers/lb2/keepalived.conf',
    ]);
    const owner = files.find((file) => file.path === 'load-balancers/lb/keepalived.conf')!.content;
    const backup = files.find((file) => file.path === 'load-balancers/lb2/keepalived.conf')!.content;
    expect(owner).toContain('    state MASTER\n    interface ens160\n');
    expect(owner).toContain('    priority 255\n');
    expect(backup).toContain('    state BACKUP\n');
    expect(backup).toContain('    priority 199\n');
    for (const config of [owner, backup]) {
      expect(config).toContain('        192.168.10.253/24 dev ens160\n');
      expect(config).toContain('    virtual_router_id 254\n');
    }
    expect(backup).toMatch(/unicast_src_ip 192\.168\.10\.252\n {4}unicast_peer \{\n {8}192\.168\.10\.253\n/);
  });

  it('makes no VIP for load balancers at different sites, and says why', async () => {
    const model = await exampleModel('keio-2019', (topology) =>
      addLoadBalancer(topology, {
        name: 'lb-site2',
        site: 'site2',
        interface: 'ens160',
        address: '192.168.20.253',
        roles: ['load-balancer'],
      } as never),
    );
    const { files, warnings } = generateCluster(model);
    expect(files.some((file) => file.path.endsWith('keepalived.conf'))).toBe(false);
    expect(files.some((file) => file.path === 'load-balancers/lb-site2/haproxy.cfg')).toBe(true);
    expect(warnings).toEqual([
      'load balancer lb-site2 (site2/vlan20) is not on the segment of lb (site1/vlan10): a keepalived VIP moves only ' +
        'within one layer-2 segment and cannot span sites, so none covers it; clients reach the API through ' +
        '192.168.10.253:6443 and lb-site2 serves only clients pointed at it directly',
    ]);
  });
});
