// WAN emulation on Linux routers: one netem qdisc per tunnel interface, in a drop-in of the
// tunnel's unit, only when the topology asks the routers to emulate.
import { spawnSync } from 'node:child_process';
import { loadTopology, type Model, resolve } from '@geostage/schema';
import { describe, expect, it } from 'vitest';
import { type Emulation, queueLimit } from '../emulation.ts';
import { netemArguments } from './emulation.ts';
import { generateLinuxRouters } from './index.ts';

const site = (name: string, n: number) => `  - name: ${name}
    router: { name: rt-${name}, os: linux, wan: { interface: eth0, address: 192.0.2.${n}/24 } }
    segments:
      - { name: lan, prefix: 10.${n}.0.0/24, gateway: 10.${n}.0.1, interface: eth1 }
`;

function mesh(wan: string): Model {
  const text = `name: mesh\nsites:\n${site('alpha', 1)}${site('beta', 2)}${site('gamma', 3)}servers: []\nvpn: { authentication: static-key }\n${wan}`;
  const { topology, diagnostics } = loadTopology(text, 'mesh.yaml');
  if (!topology) throw new Error(JSON.stringify(diagnostics));
  return resolve(topology, 'mesh.yaml');
}

const routersWan = `wan:
  emulate: routers
  defaults: { delay: 10, jitter: 1, loss: 0.1, rate: 50 }
  pairs:
    - { sites: [alpha, gamma], delay: 40 }
`;

describe('WAN emulation on Linux routers', () => {
  it('adds one drop-in per tunnel end that sets one netem qdisc with every value', () => {
    const { files } = generateLinuxRouters(mesh(routersWan));
    const dropIns = files.filter((file) => file.path.includes('.service.d/'));
    expect(dropIns.map((file) => file.path)).toEqual([
      'routers/rt-alpha/systemd/openvpn-geostage@vtun2.service.d/emulation.conf',
      'routers/rt-alpha/systemd/openvpn-geostage@vtun3.service.d/emulation.conf',
      'routers/rt-beta/systemd/openvpn-geostage@vtun1.service.d/emulation.conf',
      'routers/rt-beta/systemd/openvpn-geostage@vtun3.service.d/emulation.conf',
      'routers/rt-gamma/systemd/openvpn-geostage@vtun1.service.d/emulation.conf',
      'routers/rt-gamma/systemd/openvpn-geostage@vtun2.service.d/emulation.conf',
    ]);
    const alphaToGamma = dropIns[1]!.content;
    expect(alphaToGamma).toContain(
      '# WAN EMULATION, not a real limit: tunnel alpha--gamma to gamma gets 40 ms delay',
    );
    expect(alphaToGamma).toContain(
      'ExecStartPost=/usr/sbin/tc qdisc replace dev vtun3 root netem delay 40ms 1ms loss 0.1% rate 50mbit limit 1000',
    );
    expect(alphaToGamma.match(/tc qdisc/g)).toHaveLength(1);
  });

  it('adds nothing when the lab emulates, or nothing is asked', () => {
    for (const wan of [
      '',
      'wan: { emulate: lab, defaults: { delay: 10 } }\n',
      'wan: { emulate: none, defaults: { delay: 10 } }\n',
    ]) {
      const { files } = generateLinuxRouters(mesh(wan));
      expect(files.filter((file) => file.path.includes('.service.d/'))).toEqual([]);
    }
  });

  it('sizes the queue for the bandwidth-delay product, never below netem default', () => {
    // 1 Gbit/s for 100 ms is 12,500,000 bytes in flight: 8,417 packets of 1485 bytes, twice that.
    expect(queueLimit(1000, 100, 0, 1485)).toBe(Math.ceil((2 * 1e9 * 0.1) / (8 * 1485)));
    expect(queueLimit(50, 10, 0, 1400)).toBe(1000);
    expect(queueLimit(null, 50, 0, 1500)).toBe(queueLimit(1000, 50, 0, 1500));
  });

  const emulation: Emulation = {
    interface: 'vtun2',
    tunnel: 'a--b',
    peer: 'b',
    delayMs: 12.5,
    jitterMs: 0,
    lossPercent: 0,
    rateMbps: null,
    limit: 1000,
  };

  it('leaves out what is not emulated', () => {
    expect(netemArguments(emulation).join(' ')).toBe(
      'qdisc replace dev vtun2 root netem delay 12.5ms limit 1000',
    );
    expect(netemArguments({ ...emulation, delayMs: 0, rateMbps: 10 }).join(' ')).toBe(
      'qdisc replace dev vtun2 root netem rate 10mbit limit 1000',
    );
  });

  // tc parses a qdisc's options (its own netem parser, in user space) before it looks up the
  // device, so a device that does not exist tells a valid line ("Cannot find device") from an
  // invalid one ("Illegal ...") without netem in the kernel and without root.
  const tc = spawnSync('tc', ['-V'], { encoding: 'utf8' });
  it.skipIf(tc.status !== 0)('writes lines that tc itself parses', () => {
    const { files } = generateLinuxRouters(mesh(routersWan));
    const lines = files
      .filter((file) => file.path.includes('.service.d/'))
      .map((file) => /ExecStartPost=\/usr\/sbin\/tc (.*)/.exec(file.content)![1]!);
    lines.push(netemArguments(emulation).join(' '));
    for (const line of lines) {
      const args = line
        .split(' ')
        .map((word, index, all) => (all[index - 1] === 'dev' ? 'geostage-none0' : word));
      const result = spawnSync('tc', args, { encoding: 'utf8' });
      expect(result.stderr.trim(), line).toBe('Cannot find device "geostage-none0"');
    }
    const broken = spawnSync(
      'tc',
      ['qdisc', 'replace', 'dev', 'geostage-none0', 'root', 'netem', 'rate', '50mbitt'],
      {
        encoding: 'utf8',
      },
    );
    expect(broken.stderr).toContain('Illegal "rate"');
  });
});
