// A command's identity includes the content it acts on: a changed upload reruns its host's commands.
import { describe, expect, it } from 'vitest';
import { bindToUploads, runAction, uploadAction } from './actions.ts';

const actions = (content: string) =>
  bindToUploads([
    uploadAction('routers', 'r1', '/etc/nftables.conf', content, 0o644),
    runAction('routers', 'r1', 'nft -f /etc/nftables.conf', 1),
  ]);

describe('bindToUploads', () => {
  it('gives a command a new id when an upload of its host and phase changes, and the same id otherwise', () => {
    const [, before] = actions('table inet a {}\n');
    const [, same] = actions('table inet a {}\n');
    const [, after] = actions('table inet b {}\n');
    expect(same!.id).toBe(before!.id);
    expect(after!.id).not.toBe(before!.id);
  });

  it('leaves a host without uploads as it was', () => {
    const run = runAction('tunnel-check', 'r1', 'ping -c 1 10.0.0.1', 0);
    expect(bindToUploads([run])).toEqual([run]);
  });
});
