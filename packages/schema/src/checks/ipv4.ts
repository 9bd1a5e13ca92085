// Parsing of the three kinds of IPv4 text a topology holds, with ip-address doing the work.
// Each returns the parsed value or the reason it is not valid, for the syntax checks to report.
import { Address4 } from 'ip-address';

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

/** A host address without prefix length: 192.168.10.101. */
export function parseAddress(text: string): Parsed<Address4> {
  if (text.includes('/')) return { ok: false, reason: 'an address here takes no prefix length' };
  const address = tryAddress(text);
  return address ? { ok: true, value: address } : { ok: false, reason: 'not an IPv4 address' };
}

/** An address with its prefix length: 10.4.0.90/16. */
export function parseAddressWithPrefix(text: string): Parsed<Address4> {
  if (!text.includes('/')) return { ok: false, reason: 'the prefix length is missing (e.g. /24)' };
  const length = lengthProblem(text);
  if (length) return { ok: false, reason: length };
  const address = tryAddress(text);
  return address
    ? { ok: true, value: address }
    : { ok: false, reason: 'not an IPv4 address with prefix length' };
}

/** A network prefix whose host bits are zero: 192.168.10.0/24. */
export function parsePrefix(text: string): Parsed<Address4> {
  if (!text.includes('/')) return { ok: false, reason: 'the prefix length is missing (e.g. /24)' };
  const length = lengthProblem(text);
  if (length) return { ok: false, reason: length };
  const prefix = tryAddress(text);
  if (!prefix) return { ok: false, reason: 'not an IPv4 prefix' };
  const network = prefix.startAddress().correctForm();
  if (network !== prefix.correctForm()) {
    return { ok: false, reason: `host bits are set; the network is ${network}/${prefix.subnetMask}` };
  }
  return { ok: true, value: prefix };
}

/** What is wrong with the prefix length after "/", said for that mistake; null when it is 0-32. */
function lengthProblem(text: string): string | null {
  const length = text.slice(text.indexOf('/') + 1);
  if (length === '') return 'the prefix length after "/" is missing (e.g. /24)';
  if (!/^[0-9]+$/.test(length)) return `the prefix length "${length}" is not a number from 0 to 32`;
  if (Number(length) > 32)
    return `the prefix length ${Number(length)} is over 32, the bits of an IPv4 address`;
  return null;
}

function tryAddress(text: string): Address4 | null {
  try {
    return new Address4(text);
  } catch {
    return null;
  }
}

/** The network of an address with prefix length, as a prefix. */
export function networkOf(address: Address4): Address4 {
  return new Address4(`${address.startAddress().correctForm()}/${address.subnetMask}`);
}

export function hostOf(address: Address4): Address4 {
  return new Address4(address.addressMinusSuffix ?? address.correctForm());
}

/** True when the two prefixes share any address. */
export function overlaps(a: Address4, b: Address4): boolean {
  return a.isInSubnet(b) || b.isInSubnet(a);
}

/** `network` or `broadcast` when the host address is one of those of the prefix (never for /31, /32). */
export function reservedRole(host: Address4, prefix: Address4): 'network' | 'broadcast' | null {
  if (prefix.subnetMask >= 31) return null;
  const value = host.correctForm();
  if (value === prefix.startAddress().correctForm()) return 'network';
  if (value === prefix.endAddress().correctForm()) return 'broadcast';
  return null;
}
