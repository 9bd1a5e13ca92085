// The cluster phases: the API load balancer, kubeadm init on the first control plane, the other
// control planes one at a time (each joins etcd, which must stay quorate), the workers in
// parallel, then labels, CNI and apps applied with kubectl from one point, the first control
// plane, which holds the admin credentials kubeadm init wrote.
import type { ModelServer } from '@geostage/schema';
import { kubeadmSecretNames } from '@geostage/secrets';
import { serverAccess } from './access.ts';
import {
  type Context,
  type DraftPhase,
  type DraftStep,
  filesUnder,
  gather,
  generatedUpload,
} from './context.ts';
import type { Command, PhaseName } from './plan.ts';
import { shellWord } from './shell.ts';

/** Where a node's kubeadm configuration goes (0600: once filled it holds the bootstrap token). */
export const KUBEADM_PATH = '/etc/geostage/kubeadm.yaml';
/** Where the manifests applied from the first control plane are uploaded. */
export const MANIFESTS_DIR = '/etc/geostage/cluster';
export const KUBECTL = 'kubectl --kubeconfig /etc/kubernetes/admin.conf';
const APPLY = `${KUBECTL} apply --server-side --field-manager=geostage`;
/** The secret kubeadm init makes: the CA public key hash every join checks the cluster against. */
export const CA_CERT_HASH = kubeadmSecretNames.caCertHash;

/**
 * The upstream manifests our CNI files complete (gen-kubeadm writes only what geostage decides:
 * flannel's ConfigMap, Calico's Installation). Pinned here, in one place, until the topology
 * names a CNI version.
 */
export const UPSTREAM_CNI = {
  flannel: 'https://github.com/flannel-io/flannel/releases/download/v0.26.1/kube-flannel.yml',
  calico: 'https://raw.githubusercontent.com/projectcalico/calico/v3.30.3/manifests/tigera-operator.yaml',
} as const;

const PACKAGES_NOTE = (version: string) =>
  `containerd, kubelet and kubeadm ${version} must be installed on every node; geostage installs no packages`;

function serverNamed(context: Context, name: string): ModelServer {
  const server = context.model.servers.find((candidate) => candidate.name === name);
  if (!server) throw new Error(`unknown server ${name}`);
  return server;
}

function empty(name: PhaseName, summary: string, why: string): DraftPhase {
  return { name, summary, parallel: 1, notes: [why], steps: [] };
}

const NO_CLUSTER = 'the topology has no kubernetes section';

export function loadBalancerPhase(context: Context): DraftPhase {
  const kubernetes = context.model.kubernetes;
  const summary = 'HAProxy in front of the API servers (and keepalived where load balancers share a segment)';
  if (!kubernetes) return empty('load-balancer', summary, NO_CLUSTER);
  const steps = kubernetes.loadBalancers.map((name): DraftStep => {
    const folder = `load-balancers/${name}/`;
    const keepalived = context.cluster.has(`${folder}keepalived.conf`);
    const { uploads, problems } = gather([
      generatedUpload(context, 'cluster', `${folder}haproxy.cfg`, '/etc/haproxy/haproxy.cfg'),
      ...(keepalived
        ? [generatedUpload(context, 'cluster', `${folder}keepalived.conf`, '/etc/keepalived/keepalived.conf')]
        : []),
    ]);
    const commands: Command[] = [
      {
        run: 'haproxy -c -f /etc/haproxy/haproxy.cfg',
        note: 'a refused file never reaches the running HAProxy',
      },
      { run: 'systemctl enable haproxy.service' },
      { run: 'systemctl reload-or-restart haproxy.service' },
    ];
    if (keepalived) {
      commands.push(
        { run: 'keepalived -t -f /etc/keepalived/keepalived.conf', note: 'configuration test' },
        { run: 'systemctl enable keepalived.service' },
        { run: 'systemctl reload-or-restart keepalived.service' },
      );
    }
    const server = serverNamed(context, name);
    return {
      host: name,
      role: `API load balancer of ${server.site}${kubernetes.endpoint.loadBalancer === name ? ' (the endpoint)' : ''}`,
      access: serverAccess(context.model, server),
      uploads,
      commands,
      problems,
    };
  });
  return {
    name: 'load-balancer',
    summary,
    parallel: context.parallel,
    notes: [
      `the endpoint ${kubernetes.endpoint.host}:${kubernetes.endpoint.port} must answer before kubeadm init; haproxy${steps.some((step) => step.uploads.length > 1) ? ' and keepalived' : ''} must be installed`,
    ],
    steps,
  };
}

function kubeadmStep(context: Context, name: string, role: string, commands: Command[]): DraftStep {
  const server = serverNamed(context, name);
  const { uploads, problems } = gather([
    generatedUpload(context, 'cluster', `nodes/${name}/kubeadm.yaml`, KUBEADM_PATH),
  ]);
  return {
    host: name,
    role: `${role} at ${server.site}`,
    access: serverAccess(context.model, server),
    uploads,
    commands,
    problems,
  };
}

export function firstControlPlanePhase(context: Context): DraftPhase {
  const kubernetes = context.model.kubernetes;
  const summary = 'kubeadm init on the first control plane';
  if (!kubernetes) return empty('first-control-plane', summary, NO_CLUSTER);
  const step = kubeadmStep(context, kubernetes.firstControlPlane, 'first control plane', [
    {
      run: `kubeadm init --config ${KUBEADM_PATH} --upload-certs`,
      note: 'the control-plane certificates go to the cluster, encrypted with the certificate key, for the other control planes',
    },
    {
      run: 'openssl x509 -pubkey -noout -in /etc/kubernetes/pki/ca.crt | openssl pkey -pubin -outform der | sha256sum',
      kind: 'ca-cert-hash',
      note: `apply stores sha256:<hex> as secrets/${CA_CERT_HASH}, which every join checks the cluster against`,
    },
  ]);
  step.produces = [CA_CERT_HASH];
  return {
    name: 'first-control-plane',
    summary,
    parallel: 1,
    notes: [PACKAGES_NOTE(kubernetes.version)],
    steps: [step],
  };
}

export function otherControlPlanesPhase(context: Context): DraftPhase {
  const kubernetes = context.model.kubernetes;
  const summary = 'kubeadm join --control-plane, one at a time: each adds an etcd member';
  if (!kubernetes) return empty('other-control-planes', summary, NO_CLUSTER);
  const steps = kubernetes.controlPlanes
    .filter((name) => name !== kubernetes.firstControlPlane)
    .map((name) =>
      kubeadmStep(context, name, 'control plane', [
        {
          run: `kubeadm join --config ${KUBEADM_PATH}`,
          note: 'a JoinConfiguration with controlPlane: joins etcd and the API servers',
        },
      ]),
    );
  return {
    name: 'other-control-planes',
    summary,
    parallel: 1,
    notes: [
      'the certificate key is good for 2 hours after init (kubeadm deletes the uploaded certificates then)',
    ],
    steps,
  };
}

export function workersPhase(context: Context): DraftPhase {
  const kubernetes = context.model.kubernetes;
  const summary = 'kubeadm join on every worker';
  if (!kubernetes) return empty('workers', summary, NO_CLUSTER);
  const steps = kubernetes.workers
    .filter((name) => !kubernetes.controlPlanes.includes(name))
    .map((name) => kubeadmStep(context, name, 'worker', [{ run: `kubeadm join --config ${KUBEADM_PATH}` }]));
  const doubled = kubernetes.workers.filter((name) => kubernetes.controlPlanes.includes(name));
  return {
    name: 'workers',
    summary,
    parallel: context.parallel,
    notes:
      doubled.length > 0
        ? [`${doubled.join(', ')} joined as control planes and also run workloads (no taint)`]
        : [],
    steps,
  };
}

/** A step on the first control plane that uploads manifests and applies them with kubectl. */
function manifestStep(context: Context, paths: string[], commands: (to: string) => Command[]): DraftStep {
  const kubernetes = context.model.kubernetes!;
  const server = serverNamed(context, kubernetes.firstControlPlane);
  const planned = paths.map((path) => generatedUpload(context, 'cluster', path, `${MANIFESTS_DIR}/${path}`));
  const { uploads, problems } = gather(planned);
  return {
    host: server.name,
    role: 'kubectl on the first control plane',
    access: serverAccess(context.model, server),
    uploads,
    commands: paths.flatMap((path) => commands(shellWord(`${MANIFESTS_DIR}/${path}`))),
    problems,
  };
}

export function labelsPhase(context: Context): DraftPhase {
  const summary = 'node roles (labels a kubelet may not set on itself), after every node has joined';
  if (!context.model.kubernetes) return empty('labels', summary, NO_CLUSTER);
  return {
    name: 'labels',
    summary,
    parallel: 1,
    notes: [],
    steps: [
      manifestStep(context, ['manifests/node-labels.yaml'], (file) => [
        { run: `${APPLY} -f ${file}`, note: 'server-side apply touches only these labels; safe to rerun' },
      ]),
    ],
  };
}

export function cniPhase(context: Context): DraftPhase {
  const kubernetes = context.model.kubernetes;
  const summary = 'the pod network, with the MTU the tunnels leave';
  if (!kubernetes) return empty('cni', summary, NO_CLUSTER);
  const cni = kubernetes.cni.name;
  const path = `cni/${cni}.yaml`;
  const upstream = UPSTREAM_CNI[cni];
  const step = manifestStep(context, [path], (file) =>
    cni === 'flannel'
      ? [
          { run: `${KUBECTL} apply --server-side -f ${upstream}`, note: 'upstream flannel' },
          {
            run: `${APPLY} --force-conflicts -f ${file}`,
            note: 'replaces the upstream kube-flannel-cfg ConfigMap (MTU, backend)',
          },
          {
            run: `${KUBECTL} -n kube-flannel rollout restart daemonset/kube-flannel-ds`,
            note: 'flannel reads its ConfigMap at start',
          },
        ]
      : [
          {
            run: `${KUBECTL} apply --server-side -f ${upstream}`,
            note: 'the Tigera operator and its resource definitions',
          },
          {
            run: `${KUBECTL} wait --for=condition=established --timeout=120s crd/installations.operator.tigera.io`,
          },
          { run: `${APPLY} -f ${file}`, note: 'the Installation the operator turns into Calico' },
        ],
  );
  return {
    name: 'cni',
    summary,
    parallel: 1,
    notes: [`upstream ${cni} manifest pinned by geostage: ${upstream}`],
    steps: [step],
  };
}

export function appsPhase(context: Context): DraftPhase {
  const summary = 'the P2P applications, pinned to their sites';
  if (!context.model.kubernetes) return empty('apps', summary, NO_CLUSTER);
  const apps = filesUnder(context.cluster, 'manifests/apps/');
  if (context.model.applications.length === 0 && apps.length === 0) {
    return empty('apps', summary, 'the topology has no applications');
  }
  const expected = context.model.applications.map((app) => `manifests/apps/${app.name}.yaml`);
  const paths = ['manifests/namespace.yaml', ...[...new Set([...expected, ...apps])].sort()];
  return {
    name: 'apps',
    summary,
    parallel: 1,
    notes: [],
    steps: [manifestStep(context, paths, (file) => [{ run: `${APPLY} -f ${file}` }])],
  };
}
