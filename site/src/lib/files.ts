// Generated files as the site shows them: which folder, which device owns them, which language.

export type Folder = 'network' | 'cluster';

export interface SiteFile {
  folder: Folder;
  /** Path relative to generated/<folder>/, as listed in its index.json. */
  path: string;
  /** null when the environment is too large for the site to show files (scale.ts: devicePages). */
  content: string | null;
  bytes: number;
  sha256: string;
  mode: string;
  /** The devices (router or server names) this file configures; empty for cluster-wide files. */
  owners: string[];
}

/** The page slug of a file: network/routers/vyos01/config.set. */
export function fileSlug(file: Pick<SiteFile, 'folder' | 'path'>): string {
  return `${file.folder}/${file.path}`;
}

// Shiki has no grammar for VyOS set lines or OpenVPN; shell comes closest (words, quotes, # comments).
const LANGUAGES: [RegExp, string][] = [
  [/\.(ya?ml)$/, 'yaml'],
  [/\.json$/, 'json'],
  [/\.(sh|set|bash)$/, 'shellscript'],
  [/\.(conf|cfg|ovpn|ini)$/, 'ini'],
  [/\.(service|network|netdev|target)$/, 'ini'],
  [/\.nft$/, 'shellscript'],
  [/\.md$/, 'markdown'],
];

export function languageOf(path: string): string {
  for (const [pattern, language] of LANGUAGES) if (pattern.test(path)) return language;
  return 'plaintext';
}

/**
 * The devices a file belongs to: a path segment equal to a device name
 * (routers/vyos01/config.set belongs to vyos01; servers/lb/netplan.yaml to lb).
 * Files naming no device (cluster-wide manifests) belong to none.
 */
export function ownersOf(path: string, devices: ReadonlySet<string>): string[] {
  const owners: string[] = [];
  for (const part of path.split('/')) {
    const stem = part.replace(/\.[^.]+$/, '');
    if (devices.has(part) && !owners.includes(part)) owners.push(part);
    else if (devices.has(stem) && !owners.includes(stem)) owners.push(stem);
  }
  return owners;
}
