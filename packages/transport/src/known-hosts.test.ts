// known_hosts as OpenSSH writes and reads it: fingerprints equal to `ssh-keygen -lf`, lines keyed
// by host name found by `ssh-keygen -F` the same way, comments and foreign lines kept on rewrite.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  fingerprint,
  hostKeys,
  hostsMatch,
  keyType,
  parseKnownHosts,
  recordHostKey,
  renderKnownHosts,
} from './known-hosts.ts';
import { classifyConnectError, isTransient, publicKeyBlob } from './ssh.ts';

const folder = mkdtempSync(join(tmpdir(), 'gs-known-hosts-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** A fresh key pair made by ssh-keygen; its public line. */
function keyPair(type: 'ed25519' | 'rsa' | 'ecdsa', name: string): string {
  const path = join(folder, name);
  execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-C', name, '-f', path]);
  return readFileSync(`${path}.pub`, 'utf8').trim();
}

const keygen = (args: string[]) => execFileSync('ssh-keygen', args, { encoding: 'utf8' });

describe('known_hosts', () => {
  it('prints fingerprints exactly as ssh-keygen -lf does, for every key type', () => {
    for (const type of ['ed25519', 'rsa', 'ecdsa'] as const) {
      const line = keyPair(type, `fp-${type}`);
      const printed = keygen(['-lf', join(folder, `fp-${type}.pub`)]).split(' ')[1];
      expect(fingerprint(publicKeyBlob(line)), type).toBe(printed);
      expect(keyType(publicKeyBlob(line))).toBe(line.split(' ')[0]);
    }
    expect(keyType(Buffer.from('not a key'))).toBeNull();
  });

  it('reads what it writes the way ssh-keygen -F does, keeping comments, blank lines and other entries', () => {
    const router = keyPair('ed25519', 'vyos01');
    const server = keyPair('ed25519', 'master01');
    const text = [
      '# keio-2019 host keys, checked on the consoles 2019-04-01',
      '',
      `vyos01 ${router.split(' ').slice(0, 2).join(' ')}`,
      '@cert-authority *.example.org ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl',
      'this is not an entry',
      '',
    ].join('\n');
    const parsed = parseKnownHosts(text);
    expect(parsed.problems).toEqual([
      { line: 5, message: expect.stringContaining('not a known_hosts entry') },
    ]);
    expect(renderKnownHosts(parsed)).toBe(text);
    expect(hostKeys(parsed, 'vyos01').map((key) => fingerprint(key.key))).toEqual([
      fingerprint(publicKeyBlob(router)),
    ]);
    expect(hostKeys(parsed, 'ca.example.org')).toEqual([]);

    const serverKey = { type: 'ssh-ed25519', key: publicKeyBlob(server) };
    const written = renderKnownHosts(recordHostKey(parsed, 'master01', serverKey));
    expect(written).toBe(`${text}master01 ${server.split(' ').slice(0, 2).join(' ')}\n`);
    const file = join(folder, 'known_hosts');
    writeFileSync(file, written);
    // OpenSSH finds both under their names (HostKeyAlias), with the same fingerprints.
    for (const [host, line] of [
      ['vyos01', router],
      ['master01', server],
    ] as const) {
      const found = keygen(['-F', host, '-f', file, '-l']);
      expect(found).toContain(fingerprint(publicKeyBlob(line!)));
    }
  });

  it('replaces a changed key in place and drops the name from lines shared with other hosts', () => {
    const old = keyPair('ed25519', 'old');
    const renewed = keyPair('rsa', 'renewed');
    const other = keyPair('ed25519', 'other');
    const blob = (line: string) => line.split(' ').slice(0, 2).join(' ');
    const text = `# top\nvyos02 ${blob(old)}\nlb ${blob(other)}\nvyos02,spare ${blob(other)}\nvyos02 ${blob(old)}\n`;
    const renewedKey = { type: 'ssh-rsa', key: publicKeyBlob(renewed) };
    const changed = recordHostKey(parseKnownHosts(text), 'vyos02', renewedKey);
    expect(renderKnownHosts(changed)).toBe(
      `# top\nvyos02 ${blob(renewed)}\nlb ${blob(other)}\nspare ${blob(other)}\n`,
    );
    expect(hostKeys(changed, 'vyos02')).toEqual([renewedKey]);
    // Recording the key a host already has changes nothing.
    expect(renderKnownHosts(recordHostKey(changed, 'vyos02', renewedKey))).toBe(renderKnownHosts(changed));
  });

  it('matches hashed names, wildcards and negations as OpenSSH does', () => {
    const line = keyPair('ed25519', 'hashed');
    const file = join(folder, 'hashed_hosts');
    writeFileSync(file, `node01 ${line.split(' ').slice(0, 2).join(' ')}\n`);
    keygen(['-H', '-f', file]);
    const hashed = parseKnownHosts(readFileSync(file, 'utf8'));
    const entry = hashed.lines[0]!;
    expect(entry.kind === 'entry' && entry.hosts.startsWith('|1|')).toBe(true);
    expect(hostKeys(hashed, 'node01')).toHaveLength(1);
    expect(hostKeys(hashed, 'node02')).toEqual([]);
    expect(hostsMatch('node*,!node04', 'node03')).toBe(true);
    expect(hostsMatch('node*,!node04', 'node04')).toBe(false);
    expect(hostsMatch('node0?', 'node10')).toBe(false);
  });
});

describe('connection failures', () => {
  it('says which ones are worth trying again', () => {
    const kinds = [
      classifyConnectError({ message: 'connect ECONNREFUSED 10.4.0.90:22', code: 'ECONNREFUSED' }),
      classifyConnectError(
        { message: 'Connection lost before handshake', level: 'protocol' },
        'connect ECONNREFUSED 10.4.0.90:22',
      ),
      classifyConnectError({ message: 'read ECONNRESET', code: 'ECONNRESET' }),
      classifyConnectError({ message: 'Connection lost before handshake', level: 'protocol' }),
      classifyConnectError({ message: 'Timed out while waiting for handshake', level: 'client-timeout' }),
      classifyConnectError({ message: '(SSH) Channel open failure: Connection refused', reason: 2 }),
      classifyConnectError({ message: '(SSH) Channel open failure: open failed', reason: 2 }),
      classifyConnectError({
        message: 'All configured authentication methods failed',
        level: 'client-authentication',
      }),
      classifyConnectError({
        message: '(SSH) Channel open failure: administratively prohibited: open failed',
        reason: 1,
      }),
    ];
    expect(kinds).toEqual([
      'refused',
      'refused',
      'reset',
      'reset',
      'timeout',
      'refused',
      'reset',
      'auth',
      'other',
    ]);
    expect(kinds.map((kind) => isTransient({ kind }))).toEqual([
      true,
      true,
      true,
      true,
      true,
      true,
      true,
      false,
      false,
    ]);
  });
});
