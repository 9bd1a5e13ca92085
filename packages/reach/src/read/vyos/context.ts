// One set script being read: the device it fills, the warnings, and what a section leaves for
// the end (tunnels and NAT rules by name, shared secrets named before they are defined).
import type { Device, NatRule, Origin, TunnelEnd, Warning } from '../../device.ts';

/** One `set` line: its words after `set`, the line as written, and where it is. */
export interface SetLine {
  path: string[];
  raw: string;
  origin: Origin;
}

export interface VyosReading {
  router: string;
  file: string;
  device: Device;
  warnings: Warning[];
  tunnels: Map<string, TunnelEnd>;
  natRules: Map<string, NatRule>;
  /** `pki openvpn shared-secret NAME key @secret:openvpn/<tunnel>.key.body@` names the key's basis. */
  sharedSecrets: Map<string, string>;
  /** Tunnel ends naming a shared secret, resolved once the whole script is read. */
  pendingSecretNames: { end: TunnelEnd; name: string }[];
}

/** A section reader: the lines whose path starts with its prefix go to it. */
export type SectionReader = (reading: VyosReading, line: SetLine) => void;

export function warn(reading: VyosReading, line: SetLine, message: string): void {
  reading.warnings.push({ file: line.origin.file, line: line.origin.line, message });
}

/** A path reach does not know: a warning with file:line, so it does not vanish. */
export function unknown(reading: VyosReading, line: SetLine): void {
  warn(reading, line, `not modelled: ${line.raw}`);
}

export function invalid(reading: VyosReading, line: SetLine, what: string): void {
  warn(reading, line, `invalid ${what}: ${line.raw}`);
}
