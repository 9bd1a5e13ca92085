// SSH with ssh2: straight from this machine, over a socket opened inside a network namespace
// (netns.ts:namespaceSocket, which ssh2 takes as its `sock`: the host's own routing is never
// consulted), or through jump hosts (`forwardOut` on each, the next connection riding that
// channel). Every host's key is checked against the one given. Failures are values naming the
// host, with a kind saying whether trying again can help.
import type { ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import type { Duplex } from 'node:stream';
import type { ConnectConfig, Client as SshClient } from 'ssh2';
import { fingerprint, type HostKey, keyType } from './known-hosts.ts';
import { namespaceSocket } from './netns.ts';
import type { Session } from './session.ts';

// ssh2 is CommonJS; its types come from @types/ssh2.
const { Client } = createRequire(import.meta.url)('ssh2') as typeof import('ssh2');

export interface SshTarget {
  /** The name apply knows the host by, for messages. */
  host: string;
  address: string;
  port?: number;
  user: string;
  /** A private key (its text or bytes)... */
  privateKey?: Buffer | string;
  /** ...or the SSH agent's socket path. */
  agent?: string;
  /** The host's public key blob; the connection is refused when the host shows another. */
  hostKey: Buffer;
  /** The network namespace the TCP connection starts in; null: a plain TCP connection from this machine. */
  namespace: string | null;
  readyTimeoutMs?: number;
  /**
   * Hosts to pass through first, outermost first. Only the first jump's TCP connection starts in
   * a namespace (that jump's `namespace`); each later host is reached over a channel the one
   * before opens (`forwardOut`).
   */
  jumps?: Omit<SshTarget, 'jumps'>[];
}

/** A host whose key is read without logging in; the jumps on the way are verified and logged into. */
export type ScanTarget = Omit<SshTarget, 'hostKey' | 'privateKey' | 'agent'> & {
  /** Key types to ask for first (ssh2's default order after them: ed25519 first). */
  keyTypes?: readonly string[];
};

/**
 * refused, reset, timeout: the host is not answering yet (booting, sshd restarting, a route
 * not up), trying again may help. host-key: it shows another key than the one recorded. auth:
 * it refused the key. other: anything else.
 */
export type ConnectFailureKind = 'refused' | 'reset' | 'timeout' | 'host-key' | 'auth' | 'other';

export interface ConnectFailure {
  ok: false;
  /** Names the host, how it was reached and what failed. */
  error: string;
  kind: ConnectFailureKind;
  /** The host that failed (a jump host's name when the failure was on the way). */
  host: string;
  /** host-key: the key the host showed (null when it offered no key of the expected type). */
  presented?: HostKey | null;
}

export type ConnectResult<T> = { ok: true; value: T } | ConnectFailure;

const TRANSIENT: readonly ConnectFailureKind[] = ['refused', 'reset', 'timeout'];

/** Whether trying the same connection again later can help. */
export function isTransient(failure: { kind: ConnectFailureKind }): boolean {
  return TRANSIENT.includes(failure.kind);
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Pure: what an ssh2 or socket error (and the namespace helper's stderr) means. A channel a
 * jump host could not open (`reason` 2, connect failed) is the next host not answering.
 */
export function classifyConnectError(
  error: { message: string; code?: string; level?: string; reason?: number | string },
  helperText = '',
): ConnectFailureKind {
  const text = `${error.code ?? ''} ${error.message} ${helperText}`;
  if (error.level === 'client-authentication') return 'auth';
  if (/ECONNREFUSED|Connection refused/i.test(text)) return 'refused';
  if (
    error.level === 'client-timeout' ||
    /ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|timed out|No route to host/i.test(text)
  )
    return 'timeout';
  if (
    /ECONNRESET|EPIPE|Connection lost before handshake|reset by peer|closed channel unexpectedly|No response from server/i.test(
      text,
    )
  )
    return 'reset';
  if (/Channel open failure/.test(error.message)) {
    // 1 administratively prohibited and 3 unknown channel type will not change by waiting.
    if (error.reason === 2 || error.reason === 4) return 'reset';
    return 'other';
  }
  return 'other';
}

// ssh2's own order of host key algorithms (ed25519 first), after the ones asked for.
const DEFAULT_ORDER = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'ssh-rsa',
];

/** The host key algorithms to offer for keys of `types`, in order (an RSA key signs with SHA-2 today). */
function algorithmsFor(types: readonly string[]): ConnectConfig['algorithms'] {
  const algorithms = types.flatMap((type) =>
    type === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [type],
  );
  return {
    serverHostKey: [...new Set(algorithms)] as NonNullable<ConnectConfig['algorithms']>['serverHostKey'],
  };
}

/** The TCP connection of the first hop when it starts in a namespace: the helper, its stderr, its end. */
interface Helper {
  process: ChildProcess;
  stderr(): string;
  /** Kills it and resolves once it has gone (its stderr all read), within a second. */
  stop(): Promise<void>;
}

function startHelper(namespace: string, address: string, port: number): { socket: Duplex; helper: Helper } {
  const { socket, helper } = namespaceSocket(namespace, address, port);
  let text = '';
  helper.stderr!.on('data', (chunk) => {
    text += chunk;
  });
  const gone = new Promise<void>((done) => helper.once('close', () => done()));
  return {
    socket,
    helper: {
      process: helper,
      stderr: () => text.trim(),
      stop: () => {
        helper.kill();
        return Promise.race([gone, new Promise<void>((done) => setTimeout(done, 1_000).unref())]);
      },
    },
  };
}

type Hop = Omit<SshTarget, 'jumps'>;

function describe(hop: { host: string; user: string; address: string; port?: number }, how: string): string {
  return `${hop.host} (${hop.user}@${hop.address}:${hop.port ?? 22} ${how})`;
}

/**
 * One SSH handshake over `sock` (or ssh2's own TCP connection when there is none). `scan`:
 * read the host key and stop before logging in.
 */
function handshake(
  hop: Hop | (ScanTarget & { hostKey?: undefined }),
  sock: Duplex | undefined,
  helper: Helper | null,
  where: string,
  scan: { keyTypes?: readonly string[] } | null,
): Promise<ConnectResult<SshClient> | { ok: true; value: HostKey; scanned: true }> {
  return new Promise((done) => {
    const client = new Client();
    let settled = false;
    let presented: Buffer | null = null;
    let scanned: HostKey | null = null;
    const expected = scan ? null : (hop as Hop).hostKey;
    const expectedType = expected ? keyType(expected) : null;
    const fail = async (error: Error & { code?: string; level?: string }) => {
      if (settled) return;
      settled = true;
      client.end();
      if (scanned) {
        helper && (await helper.stop());
        done({ ok: true, value: scanned, scanned: true });
        return;
      }
      if (helper) await helper.stop();
      const helperText = helper?.stderr() ?? '';
      // The namespace helper's own words say more than ssh2's "Connection lost before handshake".
      const detail =
        helperText && /before handshake|before the handshake/.test(error.message)
          ? helperText
          : `${message(error)}${helperText ? ` (${helperText})` : ''}`;
      if (expected && (presented || /no matching host key format/.test(error.message))) {
        const shown = presented ? keyType(presented) : null;
        done({
          ok: false,
          kind: 'host-key',
          host: hop.host,
          presented: presented ? { type: shown ?? 'unknown', key: presented } : null,
          error: presented
            ? `${where}: the host key has changed: expected ${fingerprint(expected)} (${expectedType}, recorded), presented ${fingerprint(presented)} (${shown}). If ${hop.host} was reinstalled or re-keyed, check the new fingerprint on its console and record it: geostage hosts scan <env> --replace ${hop.host}`
            : `${where}: the host offers no ${expectedType} key, the type recorded for it (${fingerprint(expected)}). If it was re-keyed, check on its console and record the new key: geostage hosts scan <env> --replace ${hop.host}`,
        });
        return;
      }
      done({
        ok: false,
        kind: classifyConnectError(error, helperText),
        host: hop.host,
        error: `${where}: ${detail}`,
      });
    };
    client.on('error', (error) => void fail(error));
    client.on('close', () => void fail(new Error('connection closed before the handshake finished')));
    client.on('ready', () => {
      if (settled) return;
      settled = true;
      done({ ok: true, value: client });
    });
    const target = hop as Hop;
    client.connect({
      ...(sock ? { sock } : { host: hop.address, port: hop.port ?? 22 }),
      username: hop.user,
      privateKey: scan ? undefined : target.privateKey,
      agent: scan ? undefined : target.agent,
      readyTimeout: hop.readyTimeoutMs ?? 10_000,
      algorithms: expectedType
        ? algorithmsFor([expectedType])
        : scan?.keyTypes?.length
          ? algorithmsFor([...scan.keyTypes, ...DEFAULT_ORDER])
          : undefined,
      hostVerifier: (key: Buffer) => {
        if (scan) {
          scanned = { type: keyType(key) ?? 'unknown', key: Buffer.from(key) };
          return false;
        }
        if (expected && key.equals(expected)) return true;
        presented = Buffer.from(key);
        return false;
      },
    });
  });
}

/** A channel from `client` (a jump host) to the next host. */
function forward(
  client: SshClient,
  address: string,
  port: number,
): Promise<{ ok: true; value: Duplex } | { ok: false; error: Error }> {
  return new Promise((done) => {
    client.forwardOut('127.0.0.1', 0, address, port, (error, stream) =>
      done(error ? { ok: false, error } : { ok: true, value: stream as unknown as Duplex }),
    );
  });
}

interface Path {
  /** The stream the last host's SSH runs over; undefined: ssh2 connects itself (plain TCP). */
  sock: Duplex | undefined;
  helper: Helper | null;
  /** Every jump host's client, outermost first. */
  clients: SshClient[];
  /** How the last host is reached, for messages. */
  how: string;
}

function closePath(path: { clients: SshClient[]; helper: Helper | null }): void {
  for (const client of [...path.clients].reverse()) client.end();
  path.helper?.process.kill();
}

/** Through every jump to just before the last host's handshake. */
async function reach(target: ScanTarget | SshTarget): Promise<ConnectResult<Path>> {
  const jumps = target.jumps ?? [];
  const first = jumps[0] ?? target;
  const port = (hop: { port?: number }) => hop.port ?? 22;
  let sock: Duplex | undefined;
  let helper: Helper | null = null;
  if (first.namespace !== null) {
    const started = startHelper(first.namespace, first.address, port(first));
    sock = started.socket;
    helper = started.helper;
  }
  let how = first.namespace !== null ? `from ${first.namespace}` : 'from this machine';
  const clients: SshClient[] = [];
  for (const [index, jump] of jumps.entries()) {
    const opened = await handshake(
      jump,
      sock,
      index === 0 ? helper : null,
      describe(jump, `${how}, jump host for ${target.host}`),
      null,
    );
    if (!opened.ok) {
      closePath({ clients, helper });
      return opened;
    }
    const client = opened.value as SshClient;
    clients.push(client);
    const next = jumps[index + 1] ?? target;
    const channel = await forward(client, next.address, port(next));
    if (!channel.ok) {
      closePath({ clients, helper });
      return {
        ok: false,
        kind: classifyConnectError(channel.error),
        host: next.host,
        error: `${describe(next, `through ${jump.host}`)}: ${jump.host} could not open a connection to ${next.address}:${port(next)}: ${channel.error.message}`,
      };
    }
    sock = channel.value;
    how = `through ${jump.host}`;
  }
  return { ok: true, value: { sock, helper, clients, how } };
}

export async function connect(target: SshTarget): Promise<ConnectResult<Session>> {
  const path = await reach(target);
  if (!path.ok) return path;
  const { sock, helper, clients, how } = path.value;
  const where = describe(target, how);
  const opened = await handshake(target, sock, clients.length === 0 ? helper : null, where, null);
  if (!opened.ok) {
    closePath({ clients, helper });
    return opened;
  }
  return { ok: true, value: session(opened.value as SshClient, where, [...clients], helper) };
}

/** The key `target` presents, read without logging in to it (its jumps are verified and logged into). */
export async function scanHostKey(target: ScanTarget): Promise<ConnectResult<HostKey>> {
  const path = await reach(target);
  if (!path.ok) return path;
  const { sock, helper, clients, how } = path.value;
  const where = describe(target, how);
  const read = await handshake(target, sock, clients.length === 0 ? helper : null, where, {
    keyTypes: target.keyTypes,
  });
  closePath({ clients, helper });
  if (!read.ok) return read;
  if ('scanned' in read) return { ok: true, value: read.value };
  (read.value as SshClient).end();
  return { ok: false, kind: 'other', host: target.host, error: `${where}: logged in without a key check` };
}

function session(client: SshClient, where: string, jumps: SshClient[], helper: Helper | null): Session {
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
      closePath({ clients: jumps, helper });
    },
  };
}

/** The key blob ssh2 shows a host verifier, from a public key line ("ssh-ed25519 AAAA... comment"). */
export function publicKeyBlob(line: string): Buffer {
  return Buffer.from(line.trim().split(/\s+/)[1] ?? '', 'base64');
}
