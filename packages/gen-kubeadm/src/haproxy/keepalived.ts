// keepalived only where it can work: load balancers sharing the endpoint load balancer's
// segment. Elsewhere a VIP cannot follow (a VRRP address cannot span sites), so none is made
// and the caller gets a warning saying why.
import {
  type GeneratedFile,
  generatedHeader,
  type Model,
  type ModelKubernetes,
  type ModelServer,
} from '@geostage/schema';
import { compileTemplate } from './template.ts';

let template: ((context: object) => string) | undefined;

function segmentOf(server: ModelServer): string {
  return `${server.site}/${server.segment}`;
}

export interface KeepalivedPlan {
  files: GeneratedFile[];
  warnings: string[];
}

export function keepalivedFiles(model: Model, kubernetes: ModelKubernetes): KeepalivedPlan {
  const loadBalancers = kubernetes.loadBalancers.map(
    (name) => model.servers.find((server) => server.name === name)!,
  );
  const owner = loadBalancers.find((server) => server.name === kubernetes.endpoint.loadBalancer);
  if (!owner || loadBalancers.length < 2) return { files: [], warnings: [] };
  const group = loadBalancers.filter((server) => segmentOf(server) === segmentOf(owner));
  const elsewhere = loadBalancers.filter((server) => segmentOf(server) !== segmentOf(owner));
  const warnings = elsewhere.map(
    (server) =>
      `load balancer ${server.name} (${segmentOf(server)}) is not on the segment of ${owner.name} (${segmentOf(owner)}): ` +
      'a keepalived VIP moves only within one layer-2 segment and cannot span sites, so none covers it; ' +
      `clients reach the API through ${kubernetes.endpoint.host}:${kubernetes.endpoint.port} and ${server.name} serves only clients pointed at it directly`,
  );
  if (group.length < 2) return { files: [], warnings };
  template ??= compileTemplate(import.meta.url, './keepalived.conf.hbs');
  // The owner first, then the others in topology order, each one priority step lower.
  const ordered = [owner, ...group.filter((server) => server !== owner)];
  const address = kubernetes.endpoint.address!;
  const routerId = (Number(address.split('.').at(-1)) % 255) + 1;
  const files = ordered.map((server, index) => ({
    path: `load-balancers/${server.name}/keepalived.conf`,
    content: template!({
      header: generatedHeader(model.source, '#'),
      name: server.name,
      owner: owner.name,
      state: index === 0 ? 'MASTER' : 'BACKUP',
      interface: server.interface,
      routerId,
      priority: index === 0 ? 255 : 200 - index,
      source: server.address,
      peers: ordered.filter((peer) => peer !== server).map((peer) => peer.address),
      address,
      prefixLength: server.prefixLength,
    }),
    mode: 0o644,
  }));
  return { files, warnings };
}
