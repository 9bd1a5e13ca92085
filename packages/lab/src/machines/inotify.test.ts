import { describe, expect, it } from 'vitest';
import { inotifyShortfall, PER_MACHINE } from './inotify.ts';

describe('inotifyShortfall', () => {
  it('lets the machines boot when they fit beside what is in use', () => {
    expect(inotifyShortfall(2, { limit: 128, inUse: 10 })).toBeNull();
    expect(inotifyShortfall(14, { limit: 128, inUse: 16 }, 8)).toBeNull();
  });

  it('refuses before booting, saying the number needed and the exact command that raises the limit', () => {
    const said = inotifyShortfall(30, { limit: 128, inUse: 12 }, 8);
    expect(said).toBe(
      "30 booted machines need about 252 inotify instances (8 each, 12 in use already), but fs.inotify.max_user_instances is 128; nothing was booted. Raise it on this host (it is the host's setting, lab up does not change it) with: sysctl -w fs.inotify.max_user_instances=256",
    );
    expect(inotifyShortfall(15, { limit: 128, inUse: 16 }, 8)).toContain('need about 136');
  });

  it('skips the check when the host does not say its limit', () => {
    expect(inotifyShortfall(1000, { limit: null, inUse: 0 })).toBeNull();
    expect(PER_MACHINE).toBeGreaterThan(0);
  });
});
