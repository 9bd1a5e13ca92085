// @geostage/transport: where a command runs: on this machine, inside a network namespace, or on
// a host over SSH. No geostage dependency.
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
export { connect, publicKeyBlob, type SshTarget } from './ssh.ts';
