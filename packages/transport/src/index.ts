// @geostage/transport: where a command runs: on this machine, inside a network namespace, or on
// a host over SSH. No geostage dependency.

export {
  fingerprint,
  type HostKey,
  hostKeys,
  hostsMatch,
  type KnownHosts,
  type KnownHostsLine,
  type KnownHostsProblem,
  keyType,
  parseKnownHosts,
  recordHostKey,
  renderKnownHosts,
} from './known-hosts.ts';
export {
  type ApplyRequest,
  applyRequest,
  classifyFailure,
  connectKubernetes,
  describeReference,
  FIELD_MANAGER,
  type KubernetesFailure,
  type KubernetesFailureKind,
  type KubernetesObject,
  type KubernetesResult,
  type KubernetesSession,
  kubeconfigPath,
  type ObjectReference,
  objectPath,
  referenceOf,
} from './kubernetes.ts';
export { run, waitFor } from './local.ts';
export { inside, listNamespaces, Namespaces, namespaceSocket, namespaceSupport } from './netns.ts';
export type { CommandResult, Result, Session } from './session.ts';
export {
  type ConnectFailure,
  type ConnectFailureKind,
  type ConnectResult,
  classifyConnectError,
  connect,
  isTransient,
  publicKeyBlob,
  type ScanTarget,
  type SshTarget,
  scanHostKey,
} from './ssh.ts';
