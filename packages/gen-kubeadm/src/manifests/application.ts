// manifests/apps/<app>.yaml: per site that runs the app, a headless Service for stable peer
// names, a StatefulSet pinned to the site by its zone label, and a PodDisruptionBudget.
import type { Model, ModelApplication, ModelKubernetes } from '@geostage/schema';
import { APP_NAMESPACE } from './namespace.ts';
import { activeSites, peerArgument, peerHost, peersFor } from './peers.ts';

const ZONE = 'topology.kubernetes.io/zone';

export interface ApplicationPlan {
  documents: Record<string, unknown>[];
  warnings: string[];
}

// One piece (over 80 lines): the StatefulSet per site is one manifest object, built as data in
// the order kubectl shows it; splitting it would scatter one document over several functions.
export function applicationDocuments(
  model: Model,
  kubernetes: ModelKubernetes,
  app: ModelApplication,
): ApplicationPlan {
  const sites = activeSites(
    app,
    model.sites.map((site) => site.name),
  );
  const warnings: string[] = [];
  const documents = sites.flatMap((site) => {
    const name = `${app.name}-${site}`;
    const labels = {
      'app.kubernetes.io/name': app.name,
      'app.kubernetes.io/instance': name,
      'geostage.dev/site': site,
    };
    const selector = { matchLabels: labels };
    let peerArgs: string[] = [];
    if (app.peers.discovery === 'static') {
      const peers = peersFor(app, sites, site);
      if (peers.length < app.peers.count) {
        warnings.push(
          `${app.name}: pods at ${site} get ${peers.length} peer(s) at other sites, not ${app.peers.count}: ` +
            'the other sites run no more replicas',
        );
      }
      peerArgs = peers.map((peer) =>
        peerArgument(app.peers.argument, peerHost(app.name, peer, APP_NAMESPACE, kubernetes.dnsDomain)),
      );
    }
    const container: Record<string, unknown> = {
      name: app.name,
      image: app.image,
      ...(app.command.length > 0 ? { command: [...app.command] } : {}),
      ...(app.args.length + peerArgs.length > 0 ? { args: [...app.args, ...peerArgs] } : {}),
      ports: app.ports.map((port) => ({
        name: port.name,
        containerPort: port.port,
        protocol: port.protocol,
      })),
      resources: { requests: { cpu: app.resources.cpu, memory: app.resources.memory } },
    };
    const service = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace: APP_NAMESPACE, labels },
      spec: {
        clusterIP: 'None',
        // Peers must resolve each other while they start, before any is ready.
        publishNotReadyAddresses: true,
        selector: labels,
        ports: app.ports.map((port) => ({
          name: port.name,
          port: port.port,
          targetPort: port.name,
          protocol: port.protocol,
        })),
      },
    };
    const statefulSet = {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name, namespace: APP_NAMESPACE, labels },
      spec: {
        serviceName: name,
        replicas: app.replicas[site],
        // Peers do not wait for each other: start and replace pods in parallel.
        podManagementPolicy: 'Parallel',
        selector,
        template: {
          metadata: { labels },
          spec: {
            nodeSelector: { [ZONE]: site },
            // Spread a site's pods over its nodes where possible, but never leave one
            // unscheduled for it: a missing peer costs more than two on one node.
            topologySpreadConstraints: [
              {
                maxSkew: 1,
                topologyKey: 'kubernetes.io/hostname',
                whenUnsatisfiable: 'ScheduleAnyway',
                labelSelector: selector,
              },
            ],
            containers: [container],
          },
        },
      },
    };
    const disruptionBudget = {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name, namespace: APP_NAMESPACE, labels },
      // A drain evicts at most one pod of a site at a time.
      spec: { maxUnavailable: 1, selector },
    };
    return [service, statefulSet, disruptionBudget];
  });
  return { documents, warnings };
}
