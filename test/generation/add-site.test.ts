// Adding a site changes only what must change: existing routers gain the new tunnel, its
// route, NAT exclusion and firewall port, and nothing of theirs is renumbered or removed;
// the new site's router and servers get new files; every other file keeps its bytes.
import { readFileSync } from 'node:fs';
import { generateNetwork } from '@geostage/gen-vyos';
import { loadTopology, resolve, type Topology } from '@geostage/schema';
import { describe, expect, it } from 'vitest';

const source = 'environments/keio-2019/topology.yaml';
const text = readFileSync(new URL(`../../${source}`, import.meta.url), 'utf8');

function network(topology: Topology): Map<string, string> {
  const { files } = generateNetwork(resolve(topology, source));
  return new Map(files.map((file) => [file.path, file.content]));
}

function withSite4(topology: Topology): Topology {
  const copy = structuredClone(topology);
  copy.sites.push({
    name: 'site4',
    router: {
      name: 'vyos04',
      os: 'vyos',
      release: '1.2',
      wan: { interface: 'eth0', address: '10.4.0.93/16' },
    },
    segments: [
      { name: 'vlan40', vlan: 40, prefix: '192.168.40.0/24', gateway: '192.168.40.1', interface: 'eth1' },
    ],
  });
  copy.servers.push({
    name: 'node05',
    site: 'site4',
    interface: 'ens160',
    address: '192.168.40.101',
    roles: ['worker'],
  });
  return copy;
}

function setLines(content: string): string[] {
  return content.split('\n').filter((line) => line.startsWith('set '));
}

describe('adding a site to keio-2019', () => {
  const loaded = loadTopology(text, source);
  const before = network(loaded.topology!);
  const after = network(withSite4(loaded.topology!));

  it('adds files only for the new router and server', () => {
    const added = [...after.keys()].filter((path) => !before.has(path)).sort();
    expect(added).toEqual([
      'routers/vyos04/config.boot',
      'routers/vyos04/config.set',
      'servers/node05/netplan.yaml',
    ]);
    expect([...before.keys()].filter((path) => !after.has(path))).toEqual([]);
  });

  it('changes only the routers that gain a tunnel; servers keep their files byte for byte', () => {
    const changed = [...before.keys()].filter((path) => before.get(path) !== after.get(path)).sort();
    expect(changed).toEqual([
      'routers/vyos01/config.boot',
      'routers/vyos01/config.set',
      'routers/vyos02/config.boot',
      'routers/vyos02/config.set',
      'routers/vyos03/config.boot',
      'routers/vyos03/config.set',
    ]);
  });

  it('keeps every existing set line of every router and adds only lines about site4', () => {
    for (const router of ['vyos01', 'vyos02', 'vyos03']) {
      const old = setLines(before.get(`routers/${router}/config.set`)!);
      const fresh = setLines(after.get(`routers/${router}/config.set`)!);
      const kept = new Set(fresh);
      expect(old.filter((line) => !kept.has(line))).toEqual([]);
      const added = fresh.filter((line) => !old.includes(line));
      expect(added.length).toBeGreaterThan(0);
      for (const line of added) {
        expect(line).toMatch(/vtun4|site4|vyos04|192\.168\.40\.0\/24|10\.4\.0\.93|rule 1(0[0-9]|1[0-9]) /);
      }
      expect(added.some((line) => line.includes('192.168.40.0/24') && line.includes('vtun4'))).toBe(true);
    }
  });
});
