// `geostage app deploy|update|stop|status <env> [app]`: the application from one point. Reads
// the generated manifests, then either talks to the environment's cluster (transport's
// Kubernetes session) or, with --lab, runs each replica as a process in the lab's server
// namespaces (the lab stands in for the kubelet).
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KUBELET_NOTE, labFolder, readInventory } from '@geostage/lab';
import { loadTopology, type Model } from '@geostage/schema';
import {
  connectKubernetes,
  type KubernetesFailureKind,
  type KubernetesSession,
  kubeconfigPath,
} from '@geostage/transport';
import {
  type ClusterOptions,
  type ClusterResult,
  deployCluster,
  statusCluster,
  stopCluster,
  updateCluster,
} from '../app/cluster.ts';
import { deployLab, type LabLifecycleOptions, statusLab, stopLab, updateLab } from '../app/lab-lifecycle.ts';
import { labReplicas } from '../app/lab-replicas.ts';
import { type ApplicationManifests, readApplicationManifests } from '../app/manifests.ts';
import { type AppStatus, desiredOf } from '../app/status.ts';

export const APP_VERBS = ['deploy', 'update', 'stop', 'status'] as const;
export type AppVerb = (typeof APP_VERBS)[number];
export const isAppVerb = (word: string): word is AppVerb => (APP_VERBS as readonly string[]).includes(word);

export interface AppOptions {
  verb: AppVerb;
  environment: string;
  /** Absolute environments/<env>. */
  folder: string;
  model: Model;
  /** One application, or every one. */
  app?: string;
  lab: boolean;
  /** stop: delete instead of scaling to zero. */
  remove: boolean;
  /** update: sites at once (default 1). */
  sitesAtOnce: number;
  timeoutMs: number;
  /** Absolute: the repository geostage itself runs from ({geostage} in lab commands). */
  geostage: string;
  /** --kubeconfig; else environments/<env>/secrets/kubeconfig; else $KUBECONFIG. */
  kubeconfig?: string;
  /** For tests: a session instead of a kubeconfig. */
  session?: KubernetesSession;
  progress(line: string): void;
}

export type AppFailureKind =
  | 'no-lab'
  | 'unknown-app'
  | 'no-manifests'
  | 'lab-plan'
  | 'not-ready'
  | KubernetesFailureKind;

export type AppResult =
  | { ok: true; status: AppStatus | null }
  | { ok: false; kind: AppFailureKind; errors: string[] };

/** The kubeconfig "named in the environment": secrets/kubeconfig (kubeadm's admin.conf, kept there). */
export const environmentKubeconfig = (folder: string) => join(folder, 'secrets', 'kubeconfig');

function scopeOf(manifests: ApplicationManifests, app: string | undefined) {
  if (!app) return { ok: true as const, applications: manifests.applications };
  const found = manifests.applications.filter((one) => one.name === app);
  if (found.length === 0)
    return {
      ok: false as const,
      error: `no application ${app} in the generated manifests (known: ${manifests.applications.map((one) => one.name).join(', ') || 'none'}); run geostage generate after changing the topology`,
    };
  return { ok: true as const, applications: found };
}

export async function runApp(options: AppOptions): Promise<AppResult> {
  const manifests = await readApplicationManifests(options.folder);
  if (manifests.applications.length === 0)
    return {
      ok: false,
      kind: 'no-manifests',
      errors: [`${options.environment} has no applications in generated/cluster/manifests/apps`],
    };
  const scope = scopeOf(manifests, options.app);
  if (!scope.ok) return { ok: false, kind: 'unknown-app', errors: [scope.error] };
  return options.lab
    ? runLab(options, manifests, scope.applications)
    : runCluster(options, manifests, scope.applications);
}

async function runCluster(
  options: AppOptions,
  manifests: ApplicationManifests,
  applications: ApplicationManifests['applications'],
): Promise<AppResult> {
  let session = options.session;
  if (!session) {
    const named =
      options.kubeconfig ??
      (existsSync(environmentKubeconfig(options.folder)) ? environmentKubeconfig(options.folder) : undefined);
    const connected = await connectKubernetes(kubeconfigPath(named));
    if (!connected.ok)
      return { ok: false, kind: connected.failure.kind, errors: [connected.failure.message] };
    session = connected.value;
  }
  const cluster: ClusterOptions = {
    session,
    manifests,
    applications,
    progress: options.progress,
    timeoutMs: options.timeoutMs,
    sitesAtOnce: options.sitesAtOnce,
  };
  if (options.verb === 'status') {
    const status = await statusCluster(cluster);
    return status.ok
      ? { ok: true, status: status.status }
      : { ok: false, kind: 'other', errors: status.errors };
  }
  const result: ClusterResult =
    options.verb === 'deploy'
      ? await deployCluster(cluster, options.app)
      : options.verb === 'update'
        ? await updateCluster(cluster, options.app)
        : await stopCluster(cluster, options.remove, options.app);
  if (result.ok) return { ok: true, status: null };
  return { ok: false, kind: result.failure?.kind ?? 'not-ready', errors: result.errors };
}

/** The `lab.command` of each application, from the topology itself (the Model does not carry it). */
async function labCommands(options: AppOptions): Promise<Map<string, string[]>> {
  const file = join(options.folder, 'topology.yaml');
  const { topology } = loadTopology(await readFile(file, 'utf8'), file);
  return new Map(
    (topology?.applications ?? []).flatMap((app) =>
      app.lab ? [[app.name, [...app.lab.command]] as const] : [],
    ),
  );
}

async function runLab(
  options: AppOptions,
  manifests: ApplicationManifests,
  applications: ApplicationManifests['applications'],
): Promise<AppResult> {
  const inventory = await readInventory(options.folder, options.environment);
  if (!inventory.ok) return { ok: false, kind: 'no-lab', errors: [inventory.error] };
  const desired = applications.map(desiredOf);
  if (options.verb === 'status')
    return {
      ok: true,
      status: await statusLab({ environmentFolder: options.folder, applications: desired }),
    };
  const roles = new Map(options.model.servers.map((server) => [server.name, server.roles] as const));
  const plan = labReplicas({
    manifests: { ...manifests, applications },
    commands: await labCommands(options),
    servers: inventory.inventory.servers.map((server) => ({
      name: server.name,
      site: server.site,
      namespace: server.namespace,
      address: server.address.split('/')[0]!,
      worker: roles.get(server.name)?.includes('worker') ?? false,
    })),
    dnsDomain: options.model.kubernetes?.dnsDomain ?? 'cluster.local',
    labFolder: labFolder(options.folder),
    geostage: options.geostage,
    node: process.execPath,
  });
  if (!plan.ok) return { ok: false, kind: 'lab-plan', errors: plan.errors };
  if (options.verb !== 'stop') options.progress(`note: ${KUBELET_NOTE}`);
  const lifecycle: LabLifecycleOptions = {
    environmentFolder: options.folder,
    replicas: plan.replicas,
    applications: desired,
    progress: options.progress,
    timeoutMs: options.timeoutMs,
    sitesAtOnce: options.sitesAtOnce,
  };
  const result =
    options.verb === 'deploy'
      ? await deployLab(lifecycle)
      : options.verb === 'update'
        ? await updateLab(lifecycle)
        : await stopLab(lifecycle, options.remove);
  return result.ok ? { ok: true, status: null } : { ok: false, kind: 'not-ready', errors: result.errors };
}
