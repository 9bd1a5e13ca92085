// PEM as device formats embed it: the base64 body on one line (VyOS `set pki` keys and certificates).

/** The base64 body of a PEM block on one line. */
export function pemBody(pem: string): string {
  return pem
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '' && !line.startsWith('-----'))
    .map((line) => line.trim())
    .join('');
}
