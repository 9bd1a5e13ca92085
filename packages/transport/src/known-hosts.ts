// OpenSSH known_hosts files, keyed by the name geostage knows each host by (OpenSSH's
// HostKeyAlias): `vyos01 ssh-ed25519 AAAA...`. Pure: text in, lines out, and back again with
// every comment, blank line and foreign entry kept where it was. Fingerprints are the ones
// `ssh-keygen -lf` prints (SHA256, unpadded base64).
import { createHash, createHmac } from 'node:crypto';

/** One host key: its type ("ssh-ed25519") and the key blob as the host presents it. */
export interface HostKey {
  type: string;
  key: Buffer;
}

export type KnownHostsLine =
  | {
      kind: 'entry';
      /** The host patterns as written ("vyos01", "a,b", "|1|salt|hash"). */
      hosts: string;
      /** "@cert-authority" or "@revoked", or null. */
      marker: string | null;
      type: string;
      key: Buffer;
      /** The line as read; null for a line made here (rendered from its fields). */
      text: string | null;
    }
  /** A comment, a blank line or a line that could not be read: kept as it is. */
  | { kind: 'other'; text: string };

export interface KnownHostsProblem {
  /** 1-based. */
  line: number;
  message: string;
}

export interface KnownHosts {
  lines: KnownHostsLine[];
  /** Lines that are neither comments nor entries; kept on rewrite, never matched. */
  problems: KnownHostsProblem[];
}

/** `SHA256:...` of a key blob, exactly as `ssh-keygen -lf` prints it. */
export function fingerprint(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

/** The key type a blob names in its first field ("ssh-ed25519"), or null when it is no key blob. */
export function keyType(key: Buffer): string | null {
  if (key.length < 4) return null;
  const length = key.readUInt32BE(0);
  if (length === 0 || length > 64 || 4 + length > key.length) return null;
  const type = key.subarray(4, 4 + length).toString('latin1');
  return /^[a-z0-9@.-]+$/.test(type) ? type : null;
}

const MARKERS = ['@cert-authority', '@revoked'];

/** Pure: known_hosts text in, its lines out (the problems name their line). */
export function parseKnownHosts(text: string): KnownHosts {
  const lines: KnownHostsLine[] = [];
  const problems: KnownHostsProblem[] = [];
  const raw = text.split('\n');
  if (raw.at(-1) === '') raw.pop();
  raw.forEach((line, index) => {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) {
      lines.push({ kind: 'other', text: line });
      return;
    }
    const fields = trimmed.split(/\s+/);
    const marker = MARKERS.includes(fields[0]!) ? fields.shift()! : null;
    const [hosts, type, encoded] = fields;
    const key =
      encoded !== undefined && /^[A-Za-z0-9+/]+=*$/.test(encoded) ? Buffer.from(encoded, 'base64') : null;
    if (hosts === undefined || type === undefined || key === null || keyType(key) !== type) {
      problems.push({
        line: index + 1,
        message:
          key !== null && keyType(key) !== null
            ? `the key is not a ${type} key (it is ${keyType(key)})`
            : 'not a known_hosts entry: expected "<host> <key type> <base64 key>"',
      });
      lines.push({ kind: 'other', text: line });
      return;
    }
    lines.push({ kind: 'entry', hosts, marker, type, key, text: line });
  });
  return { lines, problems };
}

/** Pure: the lines back as text; an unchanged line is written exactly as it was read. */
export function renderKnownHosts(knownHosts: KnownHosts): string {
  return knownHosts.lines
    .map((line) =>
      line.kind === 'other' || line.text !== null
        ? line.text
        : [line.marker, line.hosts, line.type, line.key.toString('base64')].filter(Boolean).join(' '),
    )
    .map((line) => `${line}\n`)
    .join('');
}

function wildcard(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}

/** Whether a host field ("a,b", "*.lab", "!bad", "|1|salt|hash") names `host`, as OpenSSH matches it. */
export function hostsMatch(hosts: string, host: string): boolean {
  if (hosts.startsWith('|1|')) {
    const [, , salt, hash] = hosts.split('|');
    if (!salt || !hash) return false;
    return createHmac('sha1', Buffer.from(salt, 'base64')).update(host).digest('base64') === hash;
  }
  let matched = false;
  for (const pattern of hosts.split(',')) {
    if (pattern.startsWith('!')) {
      if (wildcard(pattern.slice(1)).test(host)) return false;
    } else if (wildcard(pattern).test(host)) matched = true;
  }
  return matched;
}

/** The keys recorded for `host` (markers excluded), in file order. */
export function hostKeys(knownHosts: KnownHosts, host: string): HostKey[] {
  return knownHosts.lines.flatMap((line) =>
    line.kind === 'entry' && line.marker === null && hostsMatch(line.hosts, host)
      ? [{ type: line.type, key: line.key }]
      : [],
  );
}

/**
 * Pure: `host` recorded with exactly `key`. The first line naming the host alone takes the new
 * key in place (the file's order kept); other lines naming it alone go; a line naming it among
 * other hosts loses the name (it would otherwise keep offering the old key). A host not in the
 * file is added at the end as `<host> <type> <base64>`.
 */
export function recordHostKey(knownHosts: KnownHosts, host: string, key: HostKey): KnownHosts {
  const made: KnownHostsLine = {
    kind: 'entry',
    hosts: host,
    marker: null,
    type: key.type,
    key: key.key,
    text: null,
  };
  const lines: KnownHostsLine[] = [];
  let placed = false;
  for (const line of knownHosts.lines) {
    if (line.kind !== 'entry' || line.marker !== null || !hostsMatch(line.hosts, host)) {
      lines.push(line);
      continue;
    }
    const names = line.hosts.split(',');
    if (line.hosts.startsWith('|1|') || names.every((name) => name === host)) {
      if (!placed && line.type === key.type && line.key.equals(key.key)) lines.push(line);
      else if (!placed) lines.push(made);
      placed = true;
      continue;
    }
    const others = names.filter((name) => name !== host);
    lines.push(others.length === names.length ? line : { ...line, hosts: others.join(','), text: null });
  }
  if (!placed) lines.push(made);
  return { lines, problems: knownHosts.problems };
}
