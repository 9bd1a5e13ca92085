// Reads a VyOS `set` script (release lines 1.2 to 1.5 and rolling) back into a Device. Each
// line goes to the reader of its configuration section (interfaces.ts, openvpn.ts, routes.ts,
// nat.ts, pki.ts, system.ts); paths that only matter to the firewall, services or the system
// are recognised and dropped explicitly, and anything else becomes a warning with file:line,
// so a generator change that reach does not model shows up instead of vanishing.
import { emptyDevice, type ParseResult } from '../../device.ts';
import { type SectionReader, type SetLine, unknown, type VyosReading, warn } from './context.ts';
import { readInterface } from './interfaces.ts';
import { readNatRule } from './nat.ts';
import { readOpenvpn } from './openvpn.ts';
import { readSharedSecret, resolveSharedSecrets } from './pki.ts';
import { readRoute, readSimpleRoute } from './routes.ts';
import { readHostName } from './system.ts';

/** Splits a set line into words, honouring VyOS's single and double quotes. */
export function words(line: string): string[] | null {
  const out: string[] = [];
  let index = 0;
  while (index < line.length) {
    const char = line[index]!;
    if (char === ' ' || char === '\t') {
      index++;
      continue;
    }
    if (char === "'" || char === '"') {
      const end = line.indexOf(char, index + 1);
      if (end < 0) return null;
      out.push(line.slice(index + 1, end));
      index = end + 1;
      continue;
    }
    let end = index;
    while (end < line.length && line[end] !== ' ' && line[end] !== '\t') end++;
    out.push(line.slice(index, end));
    index = end;
  }
  return out;
}

/**
 * The sections read, by top-level path and then by the longest path they own, checked in
 * order. `null` marks a path recognised and deliberately not modelled: it filters, shapes or
 * manages traffic but does not decide where a packet goes (the firewall is not modelled:
 * reach answers "is there a route there and back", see the README).
 */
const SECTIONS: ReadonlyMap<string, readonly (readonly [string[], SectionReader | null])[]> = new Map(
  (
    [
      ['interfaces openvpn', readOpenvpn],
      ['interfaces ethernet', readInterface],
      ['interfaces loopback', readInterface],
      ['protocols static interface-route', readRoute],
      ['protocols static route', readRoute],
      ['nat source rule', readNatRule],
      ['pki openvpn shared-secret', readSharedSecret],
      ['system host-name', readHostName],
      ['firewall', null],
      ['service', null],
      ['system', null],
      ['traffic-policy', null],
      ['qos', null],
      ['pki', null],
      ['nat destination', null],
      ['high-availability', null],
    ] as const
  ).reduce((byTop, [prefix, reader]) => {
    const parts = prefix.split(' ');
    const top = parts[0]!;
    byTop.set(top, [...(byTop.get(top) ?? []), [parts, reader] as const]);
    return byTop;
  }, new Map<string, (readonly [string[], SectionReader | null])[]>()),
);

function startsWith(path: readonly string[], parts: readonly string[]): boolean {
  for (let index = 0; index < parts.length; index++) if (path[index] !== parts[index]) return false;
  return true;
}

/** The reader of `path`'s section; null for a recognised, ignored path; undefined for an unknown one. */
function sectionOf(path: readonly string[]): SectionReader | null | undefined {
  const candidates = SECTIONS.get(path[0] ?? '');
  if (!candidates) return undefined;
  for (const [parts, reader] of candidates) if (startsWith(path, parts)) return reader;
  return undefined;
}

export function parseVyos(router: string, file: string, text: string): ParseResult {
  const reading: VyosReading = {
    router,
    file,
    device: emptyDevice(router, 'router'),
    warnings: [],
    tunnels: new Map(),
    natRules: new Map(),
    sharedSecrets: new Map(),
    pendingSecretNames: [],
  };
  reading.device.files.push(file);
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const raw = lines[index]!.trim();
    if (raw === '' || raw.startsWith('#')) continue;
    if (readSimpleRoute(reading, raw, index + 1)) continue;
    const tokens = words(raw);
    const line: SetLine = { path: [], raw, origin: { file, line: index + 1 } };
    if (!tokens) {
      warn(reading, line, `unbalanced quotes: ${raw}`);
      continue;
    }
    const [verb, ...path] = tokens;
    // Lines a vbash loading script wraps around the set lines.
    if (verb === 'configure' || verb === 'commit' || verb === 'save' || verb === 'exit') continue;
    if (verb !== 'set') {
      warn(reading, line, `not a set line, not modelled: ${raw}`);
      continue;
    }
    line.path = path;
    const reader = sectionOf(path);
    if (reader) reader(reading, line);
    else if (reader === undefined) unknown(reading, line);
  }
  resolveSharedSecrets(reading);
  reading.device.tunnels = [...reading.tunnels.values()];
  reading.device.nat = [...reading.natRules.values()];
  return { device: reading.device, warnings: reading.warnings };
}
