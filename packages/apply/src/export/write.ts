// The export's I/O edge: the folder is swapped in whole by the environment package's writer
// (staging folder beside it, then rename), so a failed run leaves the previous export as it was.
// A folder that is not an earlier export is never touched: the swap would delete what is in it.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type WriteResult, writeFileSet } from '@geostage/environment';
import { type FileSet, INDEX_FILE } from '@geostage/schema';
import { ANSIBLE_INVENTORY, ANSIBLE_PLAYBOOK } from './ansible.ts';

/** The default output, relative to environments/<env>/ (git-ignored with environments/*\/.export/). */
export const ANSIBLE_EXPORT_FOLDER = '.export/ansible';

export type ExportWrite =
  | { ok: true; result: WriteResult }
  | { ok: false; kind: 'unrelated-folder'; folder: string; entries: string[] };

/** Whether `folder` is absent, empty, or an export this writer made (its index lists the playbook). */
async function ours(folder: string): Promise<{ ok: true } | { ok: false; entries: string[] }> {
  let entries: string[];
  try {
    entries = (await readdir(folder)).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { ok: true };
    throw error;
  }
  if (entries.length === 0) return { ok: true };
  try {
    const index = JSON.parse(await readFile(join(folder, INDEX_FILE), 'utf8')) as {
      generatedBy?: unknown;
      files?: { path?: unknown }[];
    };
    const paths = new Set((index.files ?? []).map((file) => file.path));
    if (index.generatedBy === 'geostage' && paths.has(ANSIBLE_PLAYBOOK) && paths.has(ANSIBLE_INVENTORY))
      return { ok: true };
  } catch {
    // No index, or not one of ours: refused below.
  }
  return { ok: false, entries };
}

/** Writes the export's files (plus index.json) into `folder`, unless the folder holds something else. */
export async function writeAnsibleExport(
  folder: string,
  files: FileSet,
  source: string,
): Promise<ExportWrite> {
  const check = await ours(folder);
  if (!check.ok) return { ok: false, kind: 'unrelated-folder', folder, entries: check.entries };
  return { ok: true, result: await writeFileSet(folder, files, source) };
}
