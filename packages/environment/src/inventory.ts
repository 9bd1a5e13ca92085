// The inventory file at its I/O edge: read it (environments/<env>/inventory.yaml by default, or
// any path) against the Model, with the key paths and the known_hosts file made absolute; and
// render one as YAML (the lab writes its machines' inventory with it). The format, its checks
// and its defaults are @geostage/schema's (inventory.ts).
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import {
  type Diagnostic,
  type HostAccess,
  type InventoryDocument,
  loadInventory,
  type Model,
  type ResolvedInventory,
  resolveInventory,
} from '@geostage/schema';
import { stringify } from 'yaml';

/** The inventory with every path absolute: the file it came from (null: none, defaults only). */
export interface HostInventory extends ResolvedInventory {
  file: string | null;
  /** Absolute path of the known_hosts file. */
  knownHostsPath: string;
}

export type InventoryRead =
  | { ok: true; inventory: HostInventory; diagnostics: Diagnostic[] }
  | { ok: false; diagnostics: Diagnostic[]; error: string };

function absolute(path: string, folder: string): string {
  if (path === '~') return homedir();
  if (path.startsWith('~/')) return join(homedir(), path.slice(2));
  return isAbsolute(path) ? path : resolve(folder, path);
}

function withPaths(inventory: ResolvedInventory, folder: string, file: string | null): HostInventory {
  return {
    ...inventory,
    file,
    knownHostsPath: absolute(inventory.knownHosts, folder),
    hosts: inventory.hosts.map(
      (host): HostAccess => ({ ...host, identity: host.identity ? absolute(host.identity, folder) : null }),
    ),
  };
}

/**
 * The inventory at `path` checked against `model`. A missing file at the environment's default
 * path is no error: every host is reached as the topology says (`missingIsDefault`).
 */
export async function readHostInventory(
  path: string,
  model: Model,
  options: { missingIsDefault?: boolean; displayPath?: string } = {},
): Promise<InventoryRead> {
  const shown = options.displayPath ?? path;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && options.missingIsDefault) {
      const resolved = resolveInventory(model, {});
      const diagnostics = resolved.findings.map(
        (finding): Diagnostic => ({
          severity: finding.severity,
          code: finding.code,
          message: finding.message,
          hint: finding.hint,
          file: shown,
          line: 1,
          column: 1,
          path: '',
        }),
      );
      if (!resolved.inventory)
        return { ok: false, diagnostics, error: `${shown}: the topology's defaults do not reach every host` };
      return { ok: true, inventory: withPaths(resolved.inventory, dirname(path), null), diagnostics };
    }
    return {
      ok: false,
      diagnostics: [],
      error: code === 'ENOENT' ? `${shown}: no such inventory file` : `${shown}: ${String(error)}`,
    };
  }
  const loaded = loadInventory(text, shown, model);
  if (!loaded.inventory)
    return { ok: false, diagnostics: loaded.diagnostics, error: `${shown}: the inventory has errors` };
  return {
    ok: true,
    inventory: withPaths(loaded.inventory, dirname(path), path),
    diagnostics: loaded.diagnostics,
  };
}

/** An inventory as YAML, a comment on top (each line of `header` becomes a `# ` line). */
export function renderInventory(document: InventoryDocument, header: readonly string[] = []): string {
  const comments = ['geostage inventory: how apply reaches each host (no secrets)', ...header]
    .map((line) => `# ${line}`.trimEnd())
    .join('\n');
  return `${comments}\n\n${stringify(document, { lineWidth: 0 })}`;
}
