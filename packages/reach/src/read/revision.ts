// Reading the generated files of another git revision (the reviewer's base) without checking
// it out: `git ls-tree` lists them and one `git cat-file --batch` reads them all.
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Files under `folder` (repository-relative, e.g. environments/keio-2019/generated/network) at
 * `revision`, keyed by path relative to `folder`. Empty when the folder does not exist there.
 */
export async function readGeneratedNetworkAtRevision(
  repository: string,
  revision: string,
  folder: string,
): Promise<Map<string, string>> {
  const prefix = folder.replace(/\/+$/, '');
  const { stdout } = await run('git', ['ls-tree', '-r', '-z', '--full-tree', revision, '--', prefix], {
    cwd: repository,
    maxBuffer: 1 << 30,
  });
  const blobs: { id: string; path: string }[] = [];
  for (const record of stdout.split('\0')) {
    const match = /^\d+ blob ([0-9a-f]+)\t(.*)$/s.exec(record);
    if (match && match[2]!.startsWith(`${prefix}/`))
      blobs.push({ id: match[1]!, path: match[2]!.slice(prefix.length + 1) });
  }
  const files = new Map<string, string>();
  if (blobs.length === 0) return files;
  const output = await new Promise<Buffer>((resolvePromise, reject) => {
    const child = spawn('git', ['cat-file', '--batch'], { cwd: repository, stdio: ['pipe', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let errors = '';
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => {
      errors += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolvePromise(Buffer.concat(chunks)) : reject(new Error(`git cat-file: ${errors}`)),
    );
    child.stdin.end(blobs.map((blob) => `${blob.id}\n`).join(''));
  });
  let offset = 0;
  for (const blob of blobs) {
    const newline = output.indexOf(10, offset);
    const header = output.subarray(offset, newline).toString();
    const size = Number(header.split(' ')[2]);
    if (!header.startsWith(blob.id) || !Number.isInteger(size))
      throw new Error(`git cat-file: unexpected ${header}`);
    files.set(blob.path, output.subarray(newline + 1, newline + 1 + size).toString('utf8'));
    offset = newline + 1 + size + 1;
  }
  return new Map([...files].sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0)));
}
