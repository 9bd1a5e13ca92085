// SSH with ssh2 over a socket opened inside a network namespace (netns.ts:namespaceSocket),
// which ssh2 takes as its `sock`: the host's own routing is never consulted. Errors are values
// naming the host and what failed. Room for a jump host and known_hosts: see the README.
import type { ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import type { Client as SshClient } from 'ssh2';
import { namespaceSocket } from './netns.ts';
import type { Result, Session } from './session.ts';

// ssh2 is CommonJS; its types come from @types/ssh2.
const { Client } = createRequire(import.meta.url)('ssh2') as typeof import('ssh2');

export interface SshTarget {
  /** The name apply knows the host by, for messages. */
  host: string;
  address: string;
  port?: number;
  user: string;
  privateKey: Buffer | string;
  /** The host's public key blob; the connection is refused when the host shows another. */
  hostKey: Buffer;
  /** The network namespace the TCP connection starts in. */
  namespace: string;
  readyTimeoutMs?: number;
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

export function connect(target: SshTarget): Promise<Result<Session>> {
  const port = target.port ?? 22;
  const where = `${target.host} (${target.user}@${target.address}:${port} from ${target.namespace})`;
  return new Promise((done) => {
    const { socket, helper } = namespaceSocket(target.namespace, target.address, port);
    let helperError = '';
    helper.stderr!.on('data', (chunk) => {
      helperError += chunk;
    });
    const client = new Client();
    let settled = false;
    const fail = (why: string) => {
      if (settled) return;
      settled = true;
      helper.kill();
      done({ ok: false, error: `${where}: ${why}${helperError ? ` (${helperError.trim()})` : ''}` });
    };
    client.on('error', (error) => fail(message(error)));
    client.on('close', () => {
      helper.kill();
      fail('connection closed');
    });
    client.on('ready', () => {
      settled = true;
      done({ ok: true, value: session(client, where, helper) });
    });
    client.connect({
      sock: socket,
      username: target.user,
      privateKey: target.privateKey,
      readyTimeout: target.readyTimeoutMs ?? 10_000,
      hostVerifier: (key: Buffer) => key.equals(target.hostKey),
    });
  });
}

function session(client: SshClient, where: string, helper: ChildProcess): Session {
  return {
    exec: (command) =>
      new Promise((done) => {
        client.exec(command, (error, stream) => {
          if (error) {
            done({ ok: false, error: `${where}: ${command}: ${message(error)}` });
            return;
          }
          let stdout = '';
          let stderr = '';
          stream.on('data', (chunk: Buffer) => {
            stdout += chunk;
          });
          stream.stderr.on('data', (chunk: Buffer) => {
            stderr += chunk;
          });
          stream.on('close', (code: number | null) =>
            done({ ok: true, value: { command, code, stdout, stderr } }),
          );
        });
      }),
    upload: (path, content, mode) =>
      new Promise((done) => {
        client.sftp((error, sftp) => {
          if (error) {
            done({ ok: false, error: `${where}: sftp: ${message(error)}` });
            return;
          }
          const stream = sftp.createWriteStream(path, { mode });
          stream.on('error', (failure: Error) => {
            sftp.end();
            done({ ok: false, error: `${where}: upload ${path}: ${message(failure)}` });
          });
          stream.on('close', () => {
            // The mode of an existing file is kept by open(2); set it explicitly.
            sftp.chmod(path, mode, (failure) => {
              sftp.end();
              done(
                failure
                  ? { ok: false, error: `${where}: chmod ${path}: ${message(failure)}` }
                  : { ok: true, value: null },
              );
            });
          });
          stream.end(content);
        });
      }),
    close: () => {
      client.end();
      helper.kill();
    },
  };
}

/** The key blob ssh2 shows a host verifier, from a public key line ("ssh-ed25519 AAAA... comment"). */
export function publicKeyBlob(line: string): Buffer {
  return Buffer.from(line.trim().split(/\s+/)[1] ?? '', 'base64');
}
