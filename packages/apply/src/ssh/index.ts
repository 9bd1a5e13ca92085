// SSH transport: ssh2 over a socket opened inside a network namespace.
export {
  type CommandResult,
  connect,
  namespaceSocket,
  type Result,
  type SshSession,
  type SshTarget,
} from './transport.ts';
