// The Kubernetes API as a session, the way ssh.ts is one for a host: server-side apply with
// field manager `geostage`, read, list by label, delete. The requests are built by pure
// functions (tested without a cluster); failures are values that say what went wrong
// (unreachable API, missing permission, missing object) and never throw. The client is loaded
// only when a session is made: it costs every other geostage command a second and a half.
import { readFileSync } from 'node:fs';

export const FIELD_MANAGER = 'geostage';

export interface KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

/** Names one object: its group/version, kind, namespace and name. */
export interface ObjectReference {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

export type KubernetesFailureKind =
  | 'no-config'
  | 'unreachable'
  | 'unauthorized'
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'invalid'
  | 'other';

export interface KubernetesFailure {
  kind: KubernetesFailureKind;
  /** What was asked, e.g. "apply StatefulSet geostage/gossip-site1". */
  what: string;
  status: number | null;
  message: string;
}

export type KubernetesResult<T> = { ok: true; value: T } | { ok: false; failure: KubernetesFailure };

/** The HTTP request a server-side apply is: a PATCH of the whole object with the apply content type. */
export interface ApplyRequest {
  method: 'PATCH';
  path: string;
  query: { fieldManager: typeof FIELD_MANAGER; force: 'true' };
  contentType: 'application/apply-patch+yaml';
  body: KubernetesObject;
}

/** Resource names of the kinds geostage generates (the API's plural, and whether it is namespaced). */
const RESOURCES: Record<string, { plural: string; namespaced: boolean }> = {
  Namespace: { plural: 'namespaces', namespaced: false },
  Service: { plural: 'services', namespaced: true },
  ConfigMap: { plural: 'configmaps', namespaced: true },
  StatefulSet: { plural: 'statefulsets', namespaced: true },
  Deployment: { plural: 'deployments', namespaced: true },
  PodDisruptionBudget: { plural: 'poddisruptionbudgets', namespaced: true },
  Pod: { plural: 'pods', namespaced: true },
  Node: { plural: 'nodes', namespaced: false },
};

/** Pure: the URL path of an object (or of its collection when `name` is empty). */
export function objectPath(reference: ObjectReference): string {
  const resource = RESOURCES[reference.kind];
  if (!resource) throw new Error(`geostage does not know the resource of kind ${reference.kind}`);
  const base = reference.apiVersion.includes('/')
    ? `/apis/${reference.apiVersion}`
    : `/api/${reference.apiVersion}`;
  const namespace = resource.namespaced ? `/namespaces/${reference.namespace ?? 'default'}` : '';
  return `${base}${namespace}/${resource.plural}${reference.name ? `/${reference.name}` : ''}`;
}

/** Pure: the server-side apply of one object, owned by field manager `geostage`, taking over conflicting fields. */
export function applyRequest(object: KubernetesObject): ApplyRequest {
  return {
    method: 'PATCH',
    path: objectPath({ ...object, ...object.metadata }),
    query: { fieldManager: FIELD_MANAGER, force: 'true' },
    contentType: 'application/apply-patch+yaml',
    body: object,
  };
}

export const referenceOf = (object: KubernetesObject): ObjectReference => ({
  apiVersion: object.apiVersion,
  kind: object.kind,
  ...(object.metadata.namespace ? { namespace: object.metadata.namespace } : {}),
  name: object.metadata.name,
});

export const describeReference = (reference: ObjectReference): string =>
  `${reference.kind} ${reference.namespace ? `${reference.namespace}/` : ''}${reference.name}`;

const UNREACHABLE = /ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ETIMEDOUT|ECONNRESET|fetch failed|socket hang up/;

/** Pure: an error of the client as a failure a person can act on. */
export function classifyFailure(error: unknown, what: string, server: string): KubernetesFailure {
  // The client's ApiException: an HTTP status in `code` and the response body in `body`.
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'number') {
    const status = (error as { code: number }).code;
    const body = (error as { body?: unknown }).body;
    const detail =
      typeof body === 'string'
        ? safeMessage(body)
        : typeof body === 'object' && body && 'message' in body
          ? String(body.message)
          : '';
    const kind: KubernetesFailureKind =
      status === 401
        ? 'unauthorized'
        : status === 403
          ? 'forbidden'
          : status === 404
            ? 'not-found'
            : status === 409
              ? 'conflict'
              : status === 422
                ? 'invalid'
                : 'other';
    const hint =
      kind === 'forbidden'
        ? ": the kubeconfig's user may not do this (it needs to get, list, patch and delete in the application namespace)"
        : kind === 'unauthorized'
          ? ": the API server did not accept the kubeconfig's credentials"
          : '';
    return { kind, what, status, message: `${what}: HTTP ${status}${detail ? ` ${detail}` : ''}${hint}` };
  }
  const text =
    error instanceof Error
      ? `${error.message} ${String((error as { cause?: unknown }).cause ?? '')}`
      : String(error);
  if (UNREACHABLE.test(text))
    return {
      kind: 'unreachable',
      what,
      status: null,
      message: `${what}: the API server at ${server} cannot be reached (${text.trim()})`,
    };
  return { kind: 'other', what, status: null, message: `${what}: ${text.trim()}` };
}

function safeMessage(body: string): string {
  try {
    const parsed = JSON.parse(body) as { message?: string };
    return parsed.message ?? '';
  } catch {
    return body.slice(0, 200);
  }
}

/** What the application lifecycle needs from a cluster; a fake one stands in for it in tests. */
export interface KubernetesSession {
  /** The API server's URL. */
  server: string;
  apply(object: KubernetesObject): Promise<KubernetesResult<KubernetesObject>>;
  /** null when the object does not exist. */
  read(reference: ObjectReference): Promise<KubernetesResult<KubernetesObject | null>>;
  list(
    apiVersion: string,
    kind: string,
    namespace: string | undefined,
    labelSelector: string,
  ): Promise<KubernetesResult<KubernetesObject[]>>;
  remove(reference: ObjectReference): Promise<KubernetesResult<null>>;
}

/** The kubeconfig to use: the one named (by the environment), else $KUBECONFIG, else none. */
export function kubeconfigPath(
  named: string | undefined,
  environment: NodeJS.ProcessEnv = process.env,
): string | null {
  return named ?? environment.KUBECONFIG ?? null;
}

/**
 * A session over the cluster a kubeconfig names; reaches nothing until called. One piece (over
 * 80 lines): its four methods close over one client and one way of turning errors into failures.
 */
export async function connectKubernetes(path: string | null): Promise<KubernetesResult<KubernetesSession>> {
  if (!path)
    return {
      ok: false,
      failure: {
        kind: 'no-config',
        what: 'connect',
        status: null,
        message: 'no kubeconfig: name one in the environment or set KUBECONFIG',
      },
    };
  const { KubeConfig, KubernetesObjectApi, PatchStrategy } = await import('@kubernetes/client-node');
  const config = new KubeConfig();
  try {
    config.loadFromString(readFileSync(path, 'utf8'));
  } catch (error) {
    return {
      ok: false,
      failure: {
        kind: 'no-config',
        what: 'connect',
        status: null,
        message: `${path}: ${(error as Error).message}`,
      },
    };
  }
  const server = config.getCurrentCluster()?.server ?? '(no current cluster)';
  const api = KubernetesObjectApi.makeApiClient(config);
  const attempt = async <T>(what: string, call: () => Promise<T>): Promise<KubernetesResult<T>> => {
    try {
      return { ok: true, value: await call() };
    } catch (error) {
      return { ok: false, failure: classifyFailure(error, what, server) };
    }
  };
  return {
    ok: true,
    value: {
      server,
      apply: (object) =>
        attempt(`apply ${describeReference(referenceOf(object))}`, async () => {
          const request = applyRequest(object);
          return (await api.patch(
            request.body,
            undefined,
            undefined,
            request.query.fieldManager,
            true,
            PatchStrategy.ServerSideApply,
          )) as KubernetesObject;
        }),
      read: async (reference) => {
        const result = await attempt(
          `read ${describeReference(reference)}`,
          async () =>
            (await api.read({
              apiVersion: reference.apiVersion,
              kind: reference.kind,
              metadata: {
                name: reference.name,
                ...(reference.namespace ? { namespace: reference.namespace } : {}),
              },
            })) as KubernetesObject,
        );
        if (!result.ok && result.failure.kind === 'not-found') return { ok: true, value: null };
        return result;
      },
      list: (apiVersion, kind, namespace, labelSelector) =>
        attempt(
          `list ${kind} ${namespace ?? ''} (${labelSelector})`,
          async () =>
            (
              await api.list(
                apiVersion,
                kind,
                namespace,
                undefined,
                undefined,
                undefined,
                undefined,
                labelSelector,
              )
            ).items as KubernetesObject[],
        ),
      remove: async (reference) => {
        const result = await attempt(`delete ${describeReference(reference)}`, async () => {
          await api.delete(
            {
              apiVersion: reference.apiVersion,
              kind: reference.kind,
              metadata: {
                name: reference.name,
                ...(reference.namespace ? { namespace: reference.namespace } : {}),
              },
            },
            undefined,
            undefined,
            undefined,
            undefined,
            'Foreground',
          );
          return null;
        });
        if (!result.ok && result.failure.kind === 'not-found') return { ok: true, value: null };
        return result;
      },
    },
  };
}
