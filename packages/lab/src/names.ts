// Names of what the lab creates. Every namespace starts with gs-<hash4>-, the hash of the
// environment folder, so that two checkouts (or a test's temporary copy) never share a name,
// and `lab down` can delete by exact name. Interface names live inside namespaces, so they only
// have to be unique there and at most 15 characters (IFNAMSIZ - 1).
import { createHash } from 'node:crypto';

export const MAX_INTERFACE_NAME = 15;

/** gs-<first 4 hex digits of sha256(absolute environment folder)>- */
export function labPrefix(environmentFolder: string): string {
  return `gs-${createHash('sha256').update(environmentFolder).digest('hex').slice(0, 4)}-`;
}

export type NamespaceRole = 'underlay' | 'switch' | 'router' | 'nat' | 'server' | 'operator' | 'wire';

const ROLE_LETTER: Record<NamespaceRole, string> = {
  underlay: 'u',
  switch: 'w',
  router: 'r',
  nat: 'n',
  server: 's',
  operator: 'o',
  wire: 'e',
};

/** gs-ab12-r-vyos01: the role letter keeps a server and a router of the same name apart. */
export function namespaceName(prefix: string, role: NamespaceRole, of: string): string {
  return role === 'underlay'
    ? `${prefix}u`
    : role === 'operator'
      ? `${prefix}o`
      : `${prefix}${ROLE_LETTER[role]}-${of}`;
}
