// The manifests' replicas placed on lab servers: round robin over a site's workers, peers at
// their lab addresses, the lab command's placeholders filled; clashes and gaps as errors.
import type { KubernetesObject } from '@geostage/transport';
import { describe, expect, it } from 'vitest';
import { labReplicas } from './lab-replicas.ts';
import { applicationsFromDocuments } from './manifests.ts';

const site = (app: string, name: string, replicas: number, args: string[]): KubernetesObject[] => {
  const labels = { 'app.kubernetes.io/name': app, 'geostage.dev/site': name };
  return [
    {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: `${app}-${name}`, namespace: 'geostage', labels },
      spec: {
        replicas,
        template: {
          spec: {
            containers: [{ image: `example/${app}:3`, args, ports: [{ name: 'p2p', containerPort: 4001 }] }],
          },
        },
      },
    },
  ];
};
const peer = (app: string, name: string, ordinal: number) =>
  `--peer=${app}-${name}-${ordinal}.${app}-${name}.geostage.svc.cluster.local:4001`;

const servers = [
  { name: 'a1', site: 's1', namespace: 'ns-a1', address: '10.1.0.1', worker: true },
  { name: 'b1', site: 's2', namespace: 'ns-b1', address: '10.2.0.1', worker: true },
  { name: 'b2', site: 's2', namespace: 'ns-b2', address: '10.2.0.2', worker: true },
  { name: 'b0', site: 's2', namespace: 'ns-b0', address: '10.2.0.9', worker: false },
];
const input = (
  documents: KubernetesObject[],
  command: string[] = ['{node}', '{geostage}/app.ts', '--data', '{folder}'],
) => ({
  manifests: applicationsFromDocuments(documents),
  commands: new Map([['p2p', command]]),
  servers,
  dnsDomain: 'cluster.local',
  labFolder: '/env/.lab',
  geostage: '/repo',
  node: '/bin/node',
});

describe('labReplicas', () => {
  it('places ordinals on workers, fills placeholders, and carries the peers at lab addresses', () => {
    const plan = labReplicas(
      input([
        ...site('p2p', 's1', 1, ['--x', peer('p2p', 's2', 0), peer('p2p', 's2', 1)]),
        ...site('p2p', 's2', 2, [peer('p2p', 's1', 0)]),
      ]),
    );
    expect(plan.ok).toBe(true);
    if (!plan.ok) return;
    expect(plan.replicas.map((replica) => `${replica.name}@${replica.server}`)).toEqual([
      'p2p-s1-0@a1',
      'p2p-s2-0@b1',
      'p2p-s2-1@b2',
    ]);
    expect(plan.replicas[0]).toMatchObject({
      command: [
        '/bin/node',
        '/repo/app.ts',
        '--data',
        '/env/.lab/apps/p2p-s1-0',
        '--x',
        '--peer=10.2.0.1:4001',
        '--peer=10.2.0.2:4001',
      ],
      peers: ['10.2.0.1', '10.2.0.2'],
      version: '3',
      ports: [4001],
      namespace: 'ns-a1',
    });
  });

  it('refuses two replicas on one port of one server, and an application without a lab command', () => {
    const clash = labReplicas(input(site('p2p', 's1', 2, [])));
    expect(clash.ok).toBe(false);
    if (!clash.ok) expect(clash.errors[0]).toMatch(/p2p-s1-1 and p2p-s1-0 would both listen on a1:4001/);
    const none = labReplicas({ ...input(site('p2p', 's1', 1, [])), commands: new Map() });
    expect(none.ok).toBe(false);
    if (!none.ok) expect(none.errors[0]).toMatch(/no lab command/);
  });
});
