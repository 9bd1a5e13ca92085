// haproxy.cfg for every load-balancer server: load-balancers/<server>/haproxy.cfg.
import { generatedHeader, type Model, type ModelKubernetes, type ModelServer } from '@geostage/schema';
import { LOCAL_API_SERVER_PORT } from '../kubeadm/api.ts';
import { compileTemplate } from './template.ts';

export const STATS_PORT = 8404;

let template: ((context: object) => string) | undefined;

export function renderHaproxy(model: Model, kubernetes: ModelKubernetes, loadBalancer: ModelServer): string {
  template ??= compileTemplate(import.meta.url, './haproxy.cfg.hbs');
  const controlPlanes = kubernetes.controlPlanes.map((name) => {
    const server = model.servers.find((candidate) => candidate.name === name)!;
    return { name: server.name, address: server.address, port: LOCAL_API_SERVER_PORT };
  });
  return template({
    header: generatedHeader(model.source, '#'),
    environment: model.name,
    endpointPort: kubernetes.endpoint.port,
    controlPlanes,
    statsAddress: loadBalancer.address,
    statsPort: STATS_PORT,
  });
}
