// What both halves of secrets init share: where a secret or public file goes, writing it
// atomically with its mode, and the report of what was created and what was kept.
import { join, relative } from 'node:path';
import type { Outcome } from './certificates.ts';
import { readOrNull, writeAtomic } from './store.ts';

/** The folders secrets init writes to; an environment's paths (@geostage/environment) fit. */
export interface SecretFolders {
  /** The environment folder: report entries are relative to it (secrets/..., public/...). */
  folder: string;
  /** Private halves (0700 folder, 0600 files, git-ignored). */
  secrets: string;
  /** Public halves (committed). */
  public: string;
}

export interface SecretsReport {
  /** Files written by this run, relative to the environment folder (secrets/..., public/...). */
  created: string[];
  /** Files that already existed and were kept. */
  kept: string[];
}

export const PRIVATE = 0o600;
export const PUBLIC = 0o644;

/** A failure with a message for the user; secretsInit turns it into an error value. */
export class Failure extends Error {}

export function need<T>(outcome: Outcome<T>): T {
  if (!outcome.ok) throw new Failure(outcome.error);
  return outcome.value;
}

export type Side = 'secrets' | 'public';

export class InitFiles {
  readonly report: SecretsReport = { created: [], kept: [] };
  readonly folders: SecretFolders;
  /** Where the files will be once the run is done, which is how reports and messages show them. */
  readonly shownFolders: SecretFolders;

  constructor(folders: SecretFolders, shownFolders: SecretFolders = folders) {
    this.folders = folders;
    this.shownFolders = shownFolders;
  }

  path(side: Side, name: string): string {
    return join(this.folders[side], name);
  }

  /** How the report and messages show a file: relative to the environment folder. */
  shown(side: Side, name: string): string {
    return relative(this.shownFolders.folder, join(this.shownFolders[side], name)).split('\\').join('/');
  }

  read(side: Side, name: string): Promise<string | null> {
    return readOrNull(this.path(side, name));
  }

  keep(side: Side, name: string): void {
    this.report.kept.push(this.shown(side, name));
  }

  async write(side: Side, name: string, content: string, mode: number): Promise<void> {
    await writeAtomic(this.path(side, name), content, mode);
    this.report.created.push(this.shown(side, name));
  }

  /** Derived files (one-line bodies, fingerprints) are rewritten only when their content changes. */
  async derive(side: Side, name: string, content: string, mode: number): Promise<void> {
    if ((await this.read(side, name)) === content) this.keep(side, name);
    else await this.write(side, name, content, mode);
  }
}
