// Filling secret placeholders at upload time. Generated files carry `@secret:<name>@` where a
// device format embeds a private value; apply replaces each with the file
// environments/<env>/secrets/<name> just before upload, and refuses to upload a file with any
// placeholder it could not fill, so a device never receives a literal placeholder.
import { readFile } from 'node:fs/promises';
import { isAbsolute, join, normalize, sep } from 'node:path';
import { placeholdersIn, SECRET_PLACEHOLDER } from './placeholders.ts';

export type FillResult = { ok: true; content: string } | { ok: false; missing: string[] };

/** A name that stays inside the secrets folder (no absolute path, no `..` step). */
function safeName(name: string): boolean {
  if (isAbsolute(name)) return false;
  const normal = normalize(name);
  return normal !== '..' && !normal.startsWith(`..${sep}`) && !name.split('/').includes('..');
}

async function readSecret(secretsDir: string, name: string): Promise<string | null> {
  if (!safeName(name)) return null;
  try {
    return await readFile(join(secretsDir, name), 'utf8');
  } catch {
    return null;
  }
}

/**
 * Replaces every `@secret:<name>@` in `content` with the secret file's text (its one final
 * line break dropped, so a placeholder on a line of its own yields the file as it was and an
 * inline placeholder yields the bare value). Names that escape the folder count as missing.
 */
export async function fillSecrets(content: string, secretsDir: string): Promise<FillResult> {
  const names = placeholdersIn(content);
  const values = new Map<string, string>();
  const missing: string[] = [];
  for (const name of names) {
    const value = await readSecret(secretsDir, name);
    if (value === null) missing.push(name);
    else values.set(name, value.replace(/\r?\n$/, ''));
  }
  if (missing.length > 0) return { ok: false, missing };
  // A function replacement, so `$&` or `$1` inside a secret is copied literally.
  const filled = content.replace(
    new RegExp(SECRET_PLACEHOLDER.source, 'g'),
    (_match, name: string) => values.get(name)!,
  );
  return { ok: true, content: filled };
}

export type PlaceholderCheck = { ok: true } | { ok: false; placeholders: string[] };

/** The last check before bytes leave for a device: no placeholder may remain. */
export function assertNoPlaceholders(content: string): PlaceholderCheck {
  const placeholders = placeholdersIn(content);
  return placeholders.length === 0 ? { ok: true } : { ok: false, placeholders };
}
