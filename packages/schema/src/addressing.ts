// IPv4 arithmetic on 32-bit integers. Parsing goes through ip-address; load has already
// rejected malformed addresses, so these helpers may assume well-formed input.
import { Address4 } from 'ip-address';

export interface Prefix {
  network: number;
  length: number;
}

export function addressToInteger(address: string): number {
  return Number(new Address4(address.split('/')[0]!).bigInt());
}

export function integerToAddress(value: number): string {
  return Address4.fromBigInt(BigInt(value >>> 0)).correctForm();
}

export function parsePrefix(prefix: string): Prefix {
  const parsed = new Address4(prefix);
  return { network: Number(parsed._startAddress()), length: parsed.subnetMask };
}

export function formatPrefix(prefix: Prefix): string {
  return `${integerToAddress(prefix.network)}/${prefix.length}`;
}

/** The network prefix of an address with prefix length, e.g. 10.4.0.90/16 -> 10.4.0.0/16. */
export function networkOf(addressWithLength: string): string {
  return formatPrefix(parsePrefix(addressWithLength));
}

export function prefixSize(length: number): number {
  return 2 ** (32 - length);
}

export function contains(prefix: Prefix, address: number): boolean {
  return address >= prefix.network && address < prefix.network + prefixSize(prefix.length);
}

export function overlaps(a: Prefix, b: Prefix): boolean {
  return contains(a, b.network) || contains(b, a.network);
}
