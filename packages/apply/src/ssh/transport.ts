// SSH with ssh2 over a socket opened inside a network namespace. Node cannot enter a namespace
// itself, so a helper (this same node binary under `ip netns exec`) opens the TCP connection
// there and pipes it to its stdin/stdout, which ssh2 takes as its `sock`. The host's own
// routing is never consulted. Errors are values naming the host and what failed.
import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { Duplex, type Readable, type Writable } from 'node:stream';

// ssh2 ships no types; this is the part of its API used here.
interface SshStream extends Readable {
  stderr: Readable;
  on(event: 'close', listener: (code: number | null, signal?: string) => void): this;
  on(event: string, listener: (...args: never[]) => void): this;
}
interface SftpWriteStream extends Writable {}
interface Sftp {
  createWriteStream(path: string, options: { mode: number }): SftpWriteStream;
  chmod(path: string, mode: number, callback: (error?: Error) => void): void;
  end(): void;
}
interface SshClient {
  on(event: 'ready', listener: () => void): this;
  on(event: 'error', listener: (error: Error) => void): this;
  on(event: 'close', listener: () => void): this;
  connect(options: Record<string, unknown>): void;
  exec(command: string, callback: (error: Error | undefined, stream: SshStream) => void): void;
  sftp(callback: (error: Error | undefined, sftp: Sftp) => void): void;
  end(): void;
}
const { Client } = createRequire(import.meta.url)('ssh2') as { Client: new () => SshClient };

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

export type Result<T> = { ok: true; value: T } | { ok: false; error: string };

export interface CommandResult {
  command: string;
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface SshSession {
  exec(command: string): Promise<Result<CommandResult>>;
  /** Writes `content` to `path` over SFTP (the folder must exist) with `mode`. */
  upload(path: string, content: string | Buffer, mode: number): Promise<Result<null>>;
  close(): void;
}

// Runs inside the namespace: one TCP connection, piped both ways, exit when it closes.
const PIPE = `const s=require('node:net').connect(Number(process.argv[2]),process.argv[1]);
s.on('error',(e)=>{process.stderr.write(e.message);process.exit(1)});
process.stdin.pipe(s);s.pipe(process.stdout);s.on('close',()=>process.exit(0));`;

/** A Duplex carrying a TCP connection opened inside `namespace`. */
export function namespaceSocket(
  namespace: string,
  address: string,
  port: number,
): { socket: Duplex; helper: ChildProcess } {
  const helper = spawn(
    'ip',
    ['netns', 'exec', namespace, process.execPath, '-e', PIPE, address, String(port)],
    {
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  const socket = Duplex.from({ readable: helper.stdout!, writable: helper.stdin! });
  return { socket, helper };
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

export function connect(target: SshTarget): Promise<Result<SshSession>> {
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

function session(client: SshClient, where: string, helper: ChildProcess): SshSession {
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
