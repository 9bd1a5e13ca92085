// reach against the thesis: the committed generated files of keio-2019 must give exactly the
// reference matrices (test-data/keio-2019.json, a copy of shared/reference), and breaking one
// line must break exactly the pairs that depend on it, with the reason a person would name.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { readGeneratedNetwork } from '../read/files.ts';
import { outcome, type ReachReport, reachabilityByName, type View } from '../report/report.ts';
import { computeReachability } from './reachability.ts';

const root = new URL('../../../../', import.meta.url).pathname;
const reference = JSON.parse(
  readFileSync(new URL('../../test-data/keio-2019.json', import.meta.url), 'utf8'),
) as {
  servers: { name: string; vlan: number }[];
  reachability: {
    before_vpn: Record<string, Record<string, boolean>>;
    after_vpn: Record<string, Record<string, boolean>>;
  };
};

let keio: Map<string, string>;
let hub: Map<string, string>;
beforeAll(async () => {
  keio = await readGeneratedNetwork(`${root}environments/keio-2019/generated/network`);
  hub = await readGeneratedNetwork(`${root}environments/global-hub/generated/network`);
});

/** A copy of the files with one file's lines changed. */
function edited(
  files: Map<string, string>,
  path: string,
  change: (lines: string[]) => string[],
): Map<string, string> {
  const text = files.get(path);
  if (text === undefined) throw new Error(`no ${path}`);
  const lines = text.split('\n');
  const changed = change(lines);
  expect(changed).not.toEqual(lines); // a mutation that changes nothing would prove nothing
  return new Map(files).set(path, changed.join('\n'));
}

/** Every ordered server pair whose reachability differs between two reports. */
function changedPairs(base: ReachReport, head: ReachReport, view: View): string[] {
  const x = reachabilityByName(base, view);
  const y = reachabilityByName(head, view);
  const out: string[] = [];
  for (const [from, row] of Object.entries(x)) {
    for (const [to, reachable] of Object.entries(row))
      if (y[from]?.[to] !== reachable) out.push(`${from}>${to}`);
  }
  return out.sort();
}

const site = (vlan: number) =>
  reference.servers.filter((server) => server.vlan === vlan).map((server) => server.name);
const pairs = (from: string[], to: string[]) => from.flatMap((a) => to.map((b) => `${a}>${b}`));
const both = (x: string[], y: string[]) => [...pairs(x, y), ...pairs(y, x)].sort();

describe('keio-2019: the thesis tables from the generated files alone', () => {
  it('reads every line of every file (no warnings)', () => {
    expect(computeReachability(keio).warnings).toEqual([]);
  });

  it('before the VPN equals table 4.6 and after equals table 4.7, pair by pair', () => {
    const report = computeReachability(keio);
    expect(reachabilityByName(report, 'before')).toEqual(reference.reachability.before_vpn);
    expect(reachabilityByName(report, 'after')).toEqual(reference.reachability.after_vpn);
  });

  it('names why cross-site traffic fails before the VPN: the site router has no route', () => {
    const before = outcome(computeReachability(keio), 'before', 'node01', 'master01')!;
    expect(before).toMatchObject({ reachable: false, reason: 'no-route', at: 'vyos02' });
  });

  it('after the VPN a site-2 server reaches 192.168.10.101 across two routers and one tunnel', () => {
    const after = outcome(computeReachability(keio), 'after', 'node01', 'master01')!;
    // The thesis saw ttl=63; two forwarding routers make it 62 (README, "TTL").
    expect(after).toMatchObject({
      reachable: true,
      path: ['vyos02', 'vyos01'],
      tunnels: ['vyos01--vyos02'],
      routers: 2,
      ttl: 62,
    });
    expect(after.returnPath).toBeUndefined();
    const local = outcome(computeReachability(keio), 'after', 'master01', 'lb')!;
    expect(local).toMatchObject({ reachable: true, path: [], tunnels: [], ttl: 64 });
  });

  it('gives the same tables from the hand-written, quoted fixture (test-data/keio-fixture)', async () => {
    const fixture = computeReachability(
      await readGeneratedNetwork(new URL('../../test-data/keio-fixture', import.meta.url).pathname),
    );
    expect(fixture.warnings).toEqual([]);
    expect(reachabilityByName(fixture, 'before')).toEqual(reference.reachability.before_vpn);
    expect(reachabilityByName(fixture, 'after')).toEqual(reference.reachability.after_vpn);
  });

  it('lists the three tunnels as up', () => {
    const tunnels = computeReachability(keio).tunnels;
    expect(tunnels.map((tunnel) => [tunnel.name, tunnel.up])).toEqual([
      ['vyos01--vyos02', true],
      ['vyos01--vyos03', true],
      ['vyos02--vyos03', true],
    ]);
  });
});

describe('keio-2019 mutations: exactly the dependent pairs fail, for the right reason', () => {
  const site1 = site(10);
  const site2 = site(20);

  it('deleting one route line: out through it has no route, replies back through it are lost', () => {
    const mutated = edited(keio, 'routers/vyos01/config.set', (lines) =>
      lines.filter((line) => !line.startsWith('set protocols static interface-route 192.168.20.0/24 ')),
    );
    const base = computeReachability(keio);
    const head = computeReachability(mutated);
    expect(changedPairs(base, head, 'after')).toEqual(both(site1, site2));
    expect(changedPairs(base, head, 'before')).toEqual([]);
    for (const pair of pairs(site1, site2)) {
      const [from, to] = pair.split('>') as [string, string];
      expect(outcome(head, 'after', from, to)).toMatchObject({
        reachable: false,
        reason: 'no-route',
        at: 'vyos01',
      });
      expect(outcome(head, 'after', to, from)).toMatchObject({
        reachable: false,
        reason: 'no-return-path',
        at: 'vyos01',
      });
    }
  });

  it('deleting one tunnel end: that tunnel is down and its route inactive, nothing else changes', () => {
    const mutated = edited(keio, 'routers/vyos01/config.set', (lines) =>
      lines.filter((line) => !line.startsWith('set interfaces openvpn vtun2 ')),
    );
    const head = computeReachability(mutated);
    expect(changedPairs(computeReachability(keio), head, 'after')).toEqual(both(site1, site2));
    expect(outcome(head, 'after', 'master01', 'node01')).toMatchObject({ reason: 'no-route', at: 'vyos01' });
    expect(outcome(head, 'after', 'node01', 'master01')).toMatchObject({
      reason: 'tunnel-down',
      at: 'vyos02',
    });
    expect(head.tunnels.find((tunnel) => tunnel.name === 'vyos02:vtun1')).toMatchObject({ up: false });
    // The route into the deleted interface is reported where it is.
    const warning = head.warnings.find((entry) => entry.message.includes('vtun2, which does not exist'));
    expect(warning?.file).toBe('routers/vyos01/config.set');
    expect(mutated.get(warning!.file)!.split('\n')[warning!.line - 1]).toContain(
      'interface-route 192.168.20.0/24',
    );
  });

  it('changing one tunnel address: the tunnel is down both ways, and only it', () => {
    const mutated = edited(keio, 'routers/vyos02/config.set', (lines) =>
      lines.map((line) =>
        line.startsWith('set interfaces openvpn vtun1 local-address ')
          ? 'set interfaces openvpn vtun1 local-address 10.255.0.99'
          : line,
      ),
    );
    const head = computeReachability(mutated);
    expect(changedPairs(computeReachability(keio), head, 'after')).toEqual(both(site1, site2));
    expect(outcome(head, 'after', 'master01', 'node01')).toMatchObject({
      reason: 'tunnel-down',
      at: 'vyos01',
    });
    expect(outcome(head, 'after', 'node02', 'lb')).toMatchObject({ reason: 'tunnel-down', at: 'vyos02' });
    const tunnel = head.tunnels.find((candidate) => candidate.name === 'vyos01--vyos02')!;
    expect(tunnel.up).toBe(false);
    expect(tunnel.problems.join('\n')).toContain('10.255.0.99');
  });

  it('static keys that differ keep the tunnel down', () => {
    const mutated = edited(keio, 'routers/vyos03/config.set', (lines) =>
      lines.map((line) => line.replace('/config/auth/site2--site3.key', '/config/auth/other.key')),
    );
    const head = computeReachability(mutated);
    expect(changedPairs(computeReachability(keio), head, 'after')).toEqual(both(site(20), site(30)));
    expect(head.tunnels.find((tunnel) => tunnel.name === 'vyos02--vyos03')!.problems.join()).toMatch(
      /static keys differ/,
    );
  });

  it('an unknown line is a warning with its file and line, not silence', () => {
    const mutated = edited(keio, 'routers/vyos01/config.set', (lines) => [
      ...lines.slice(0, 3),
      'set policy route PBR rule 10 set table 100',
      ...lines.slice(3),
    ]);
    expect(computeReachability(mutated).warnings).toEqual([
      {
        file: 'routers/vyos01/config.set',
        line: 4,
        message: 'not modelled: set policy route PBR rule 10 set table 100',
      },
    ]);
  });
});

describe('global-hub: hub and spoke, NAT, VyOS 1.4/1.5 and a Linux router', () => {
  it('reads every file, and every tunnel is up (the NATed campus dials in)', () => {
    const report = computeReachability(hub);
    expect(report.warnings).toEqual([]);
    expect(report.tunnels.map((tunnel) => [tunnel.name, tunnel.up])).toEqual([
      ['hub-tokyo--rt-berlin', true],
      ['hub-tokyo--rt-campus', true],
      ['hub-tokyo--rt-osaka', true],
    ]);
  });

  it('spoke to spoke goes through the hub: osaka -> berlin crosses hub-tokyo and two tunnels', () => {
    const report = computeReachability(hub);
    expect(outcome(report, 'after', 'cp-osaka', 'cp-berlin')).toMatchObject({
      reachable: true,
      path: ['rt-osaka', 'hub-tokyo', 'rt-berlin'],
      tunnels: ['hub-tokyo--rt-osaka', 'hub-tokyo--rt-berlin'],
      routers: 3,
      ttl: 61,
    });
    expect(outcome(report, 'after', 'w-campus-1', 'w-osaka-1')).toMatchObject({
      reachable: true,
      path: ['rt-campus', 'hub-tokyo', 'rt-osaka'],
    });
  });

  it('a route that sends a spoke LAN into the wrong tunnel is a loop, with the path each packet really takes', () => {
    // The hub sends osaka's LAN to berlin, and berlin sends it back to the hub.
    const looped = edited(hub, 'routers/hub-tokyo/config.set', (lines) =>
      lines.map((line) =>
        line.replace('route 10.20.0.0/24 interface vtun2', 'route 10.20.0.0/24 interface vtun3'),
      ),
    );
    const report = computeReachability(looped);
    expect(outcome(report, 'after', 'w-campus-1', 'cp-osaka')).toMatchObject({
      reachable: false,
      reason: 'loop',
      at: 'hub-tokyo',
      path: ['rt-campus', 'hub-tokyo', 'rt-berlin', 'hub-tokyo'],
      tunnels: ['hub-tokyo--rt-campus', 'hub-tokyo--rt-berlin', 'hub-tokyo--rt-berlin'],
    });
    // From berlin the packet meets rt-berlin again first: the loop is named where it closes.
    expect(outcome(report, 'after', 'cp-berlin', 'cp-osaka')).toMatchObject({
      reason: 'loop',
      at: 'rt-berlin',
      path: ['rt-berlin', 'hub-tokyo', 'rt-berlin'],
    });
    // Osaka's requests arrive; the replies loop.
    expect(outcome(report, 'after', 'cp-osaka', 'w-campus-1')).toMatchObject({
      reason: 'no-return-path',
      returnPath: ['rt-campus', 'hub-tokyo', 'rt-berlin', 'hub-tokyo'],
    });
    // The counting view agrees with the cells: every pair into osaka loops, every pair out loses its reply.
    const osaka = report.groups.findIndex((group) => group.router === 'rt-osaka');
    for (let other = 0; other < report.groups.length; other++) {
      if (other === osaka) continue;
      expect(report.after.fate(other, osaka)).toBe('loop');
      expect(report.after.fate(osaka, other)).toBe('no-return-path');
      expect(report.after.fate(other, osaka)).toBe(report.after.cell(other, osaka)!.reason);
    }
    expect(report.after.fate(osaka, osaka)).toBe('reachable');
  });

  it('before the VPN only a site reaches itself (two VLANs of tokyo through their router); the rest dies at the underlay', () => {
    const report = computeReachability(hub);
    expect(outcome(report, 'before', 'w-tokyo-1', 'cp-tokyo')).toMatchObject({
      reachable: true,
      path: ['hub-tokyo'],
      ttl: 63,
    });
    const lost = outcome(report, 'before', 'cp-osaka', 'cp-berlin')!;
    expect(lost).toMatchObject({ reachable: false, reason: 'no-route', at: 'rt-osaka' });
    expect(lost.detail).toMatch(/underlay.*carries no LAN prefixes/);
    const after = reachabilityByName(report, 'after');
    expect(Object.values(after).every((row) => Object.values(row).every(Boolean))).toBe(true);
  });

  it('two TLS ends with the same role never meet', () => {
    const mutated = edited(hub, 'routers/rt-osaka/config.set', (lines) =>
      lines.map((line) => line.replace(/tls role active$/, 'tls role passive')),
    );
    const report = computeReachability(mutated);
    const tunnel = report.tunnels.find((candidate) => candidate.name === 'hub-tokyo--rt-osaka')!;
    expect(tunnel.problems.join()).toMatch(/both ends have TLS role passive/);
    expect(outcome(report, 'after', 'cp-berlin', 'cp-osaka')).toMatchObject({
      reason: 'tunnel-down',
      at: 'hub-tokyo',
    });
    expect(outcome(report, 'after', 'cp-berlin', 'w-campus-1')).toMatchObject({ reachable: true });
  });

  it('the Linux router forwards only because its sysctl.conf says so', () => {
    const mutated = new Map(hub);
    mutated.delete('routers/rt-berlin/sysctl.conf');
    const report = computeReachability(mutated);
    expect(report.warnings.map((warning) => warning.message)).toContain(
      'rt-berlin: nothing sets net.ipv4.ip_forward = 1, so it does not forward',
    );
    expect(outcome(report, 'after', 'cp-berlin', 'cp-tokyo')).toMatchObject({
      reachable: false,
      at: 'rt-berlin',
    });
  });
});
