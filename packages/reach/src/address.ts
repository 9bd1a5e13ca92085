// IPv4 addresses and prefixes as signed 32-bit integers. A 1,000-site environment has about
// a million route lines, so parsing and longest-prefix matching stay on plain numbers here
// instead of building an ip-address object per line; signed, because V8 keeps int32 values
// unboxed, while unsigned ones from 128.0.0.0 up would be allocated as doubles on every lookup.
// Order addresses with `>>> 0`.

export interface Prefix {
  /** Network address (host bits cleared). */
  network: number;
  length: number;
}

export interface InterfaceAddress extends Prefix {
  /** The interface's own address (host bits kept). */
  address: number;
}

const DOTTED = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** Parses a dotted IPv4 address, or returns null. */
export function parseAddress(text: string): number | null {
  const match = DOTTED.exec(text);
  if (!match) return null;
  let value = 0;
  for (let index = 1; index <= 4; index++) {
    const octet = Number(match[index]);
    if (octet > 255) return null;
    value = value * 256 + octet;
  }
  return value | 0;
}

export function maskOf(length: number): number {
  return length === 0 ? 0 : 0xffffffff << (32 - length);
}

export function networkOf(address: number, length: number): number {
  return address & maskOf(length);
}

/** `10.1.0.0/16` -> the prefix (host bits cleared); a bare address is a /32. */
export function parsePrefix(text: string): Prefix | null {
  const parsed = parseInterfaceAddress(text.includes('/') ? text : `${text}/32`);
  return parsed && { network: parsed.network, length: parsed.length };
}

/** `10.0.0.1/24` -> address and prefix. */
export function parseInterfaceAddress(text: string): InterfaceAddress | null {
  const slash = text.indexOf('/');
  if (slash < 0) return null;
  const address = parseAddress(text.slice(0, slash));
  const lengthText = text.slice(slash + 1);
  if (address === null || !/^\d{1,2}$/.test(lengthText)) return null;
  const length = Number(lengthText);
  if (length > 32) return null;
  return { address, network: networkOf(address, length), length };
}

/** A dotted netmask (255.255.255.0) -> its prefix length, or null when not contiguous. */
export function lengthOfMask(text: string): number | null {
  const mask = parseAddress(text);
  if (mask === null) return null;
  for (let length = 0; length <= 32; length++) if (maskOf(length) === mask) return length;
  return null;
}

export function contains(prefix: Prefix, address: number): boolean {
  return networkOf(address, prefix.length) === prefix.network;
}

export function formatAddress(value: number): string {
  return `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
}

export function formatPrefix(prefix: Prefix): string {
  return `${formatAddress(prefix.network)}/${prefix.length}`;
}

/** A map key for a prefix: exact and cheap. */
export function prefixKey(prefix: Prefix): string {
  return `${prefix.network}/${prefix.length}`;
}
