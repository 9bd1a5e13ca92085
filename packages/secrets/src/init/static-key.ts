// OpenVPN static keys (`openvpn --genkey secret` format, "OpenVPN Static key V1"): 2048 random
// bits as 16 lines of 32 hex digits between the markers OpenVPN expects.
import { randomBytes } from 'node:crypto';

const BEGIN = '-----BEGIN OpenVPN Static key V1-----';
const END = '-----END OpenVPN Static key V1-----';
const KEY_BYTES = 256;

export function staticKey(): string {
  const hex = randomBytes(KEY_BYTES).toString('hex');
  const lines = hex.match(/.{32}/g)!;
  return ['#', '# 2048 bit OpenVPN static key', '#', BEGIN, ...lines, END, ''].join('\n');
}

/** The 512 hex digits of a static key on one line, or null when the text is not a V1 static key. */
export function staticKeyHex(text: string): string | null {
  const start = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  if (start < 0 || end < start) return null;
  const hex = text.slice(start + BEGIN.length, end).replace(/\s+/g, '');
  return /^[0-9a-f]{512}$/i.test(hex) ? hex.toLowerCase() : null;
}
