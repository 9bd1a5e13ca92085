// The reviewer's view in a real git repository: a commit that removes one tunnel lists exactly
// the server pairs that lose reachability through it.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readGeneratedNetwork } from './read/files.ts';
import { readGeneratedNetworkAtRevision } from './read/revision.ts';
import { changedPairs, renderDiff } from './report/diff.ts';
import { diffAtRevisions } from './review.ts';

const source = new URL('../../../environments/keio-2019/generated/network', import.meta.url).pathname;
const folder = 'environments/keio-2019/generated/network';
const repository = mkdtempSync(join(tmpdir(), 'gs-reach-diff-'));
afterAll(() => rmSync(repository, { recursive: true, force: true }));

const git = (...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=reach', '-c', 'user.email=reach@example.invalid', ...args], {
    cwd: repository,
    encoding: 'utf8',
  });

function dropLines(path: string, prefix: string): void {
  const file = join(repository, folder, path);
  const lines = readFileSync(file, 'utf8').split('\n');
  const kept = lines.filter((line) => !line.startsWith(prefix));
  expect(kept.length).toBeLessThan(lines.length);
  writeFileSync(file, kept.join('\n'));
}

describe('diffAtRevisions', () => {
  it('lists exactly the pairs that lose reachability when a commit removes the site2--site3 tunnel', async () => {
    git('init', '-q');
    cpSync(source, join(repository, folder), { recursive: true });
    git('add', '.');
    git('commit', '-qm', 'generated');
    // Both ends of the tunnel and the routes into it.
    dropLines('routers/vyos02/config.set', 'set interfaces openvpn vtun3 ');
    dropLines('routers/vyos02/config.set', 'set protocols static interface-route 192.168.30.0/24 ');
    dropLines('routers/vyos03/config.set', 'set interfaces openvpn vtun2 ');
    dropLines('routers/vyos03/config.set', 'set protocols static interface-route 192.168.20.0/24 ');
    git('commit', '-qam', 'remove the site2--site3 tunnel');

    // Reading a revision gives the bytes that were committed.
    expect(await readGeneratedNetworkAtRevision(repository, 'HEAD', folder)).toEqual(
      await readGeneratedNetwork(join(repository, folder)),
    );

    const { diff } = await diffAtRevisions(repository, folder, 'HEAD~1', 'HEAD');
    const lost = ['node01', 'node02'].flatMap((a) =>
      ['node03', 'node04'].flatMap((b) => [`${a}>${b}`, `${b}>${a}`]),
    );
    expect(changedPairs(diff).map(([view, change, from, to]) => `${view} ${change} ${from}>${to}`)).toEqual(
      lost.map((pair) => `after lost ${pair}`).sort(),
    );
    expect(renderDiff(diff, 'keio-2019 against HEAD~1')).toBe(
      [
        'keio-2019 against HEAD~1',
        'after: node01, node02 -> node03, node04 loses (4 pairs; no-route at vyos02: vyos02 has no route to the destination (no default route either))',
        'after: node03, node04 -> node01, node02 loses (4 pairs; no-route at vyos03: vyos03 has no route to the destination (no default route either))',
        '',
      ].join('\n'),
    );
    // The working tree against its own commit: nothing changes.
    expect((await diffAtRevisions(repository, folder, 'HEAD', null)).diff.changes).toEqual([]);
  });
});
