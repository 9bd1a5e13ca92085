// A router's tunnel checks run at once: the line they make, run by sh with a stand-in ping that
// takes a second and fails on one interface, so the test needs no network.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tunnelChecksCommand, tunnelPing } from './routers.ts';

const bin = mkdtempSync(join(tmpdir(), 'gs-tunnel-check-'));
afterAll(() => rmSync(bin, { recursive: true, force: true }));
// ping -c 3 -W 2 -w 60 -I <device> <remote>: a second, then iputils' words.
writeFileSync(
  join(bin, 'ping'),
  `#!/bin/sh
sleep 1
echo "PING $9 ($9) from 10.255.0.2 $8: 56(84) bytes of data."
echo "--- $9 ping statistics ---"
if [ "$8" = vtun3 ]; then echo "3 packets transmitted, 0 received, 100% packet loss, time 2003ms"; exit 1; fi
echo "3 packets transmitted, 3 received, 0% packet loss, time 2003ms"
echo "rtt min/avg/max/mdev = 0.1/0.2/0.3/0.1 ms"
`,
);
chmodSync(join(bin, 'ping'), 0o755);

const run = (line: string) => {
  const started = Date.now();
  const result = spawnSync('sh', ['-c', line], {
    encoding: 'utf8',
    env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
  });
  return { ...result, seconds: (Date.now() - started) / 1000 };
};

describe('tunnelChecksCommand', () => {
  const ends = [1, 2, 3, 4].map((index) => ({
    device: `vtun${index}`,
    remote: `10.255.0.${index * 4 + 1}`,
    note: `t-${index}: site-${index}'s router at the far end of vtun${index}`,
  }));

  it('is the one ping for a single tunnel', () => {
    expect(tunnelChecksCommand([ends[0]!])).toBe('ping -c 3 -W 2 -w 60 -I vtun1 10.255.0.5');
    expect(tunnelPing('vtun1', '10.255.0.5')).toBe('ping -c 3 -W 2 -w 60 -I vtun1 10.255.0.5');
  });

  it("pings every tunnel at once, says each one's result, and fails naming the tunnel that did", () => {
    const result = run(tunnelChecksCommand(ends));
    // Four pings of a second each, at once.
    expect(result.seconds).toBeLessThan(2.5);
    expect(result.status).toBe(1);
    for (const index of [1, 2, 4])
      expect(result.stdout).toContain(
        `t-${index}: site-${index}'s router at the far end of vtun${index}: 3 packets transmitted, 3 received, 0% packet loss`,
      );
    expect(result.stderr.trim()).toBe(
      "t-3: site-3's router at the far end of vtun3: no reply (ping -I vtun3 10.255.0.13, exit 1): 3 packets transmitted, 0 received, 100% packet loss, time 2003ms",
    );
  });

  it('succeeds when every tunnel answers', () => {
    const result = run(tunnelChecksCommand([ends[0]!, ends[1]!, ends[3]!]));
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('');
  });
});
