// Real haproxy checks every generated haproxy.cfg: `haproxy -c -dW` parses the file as the
// service would and, with -dW, turns every warning into a failure.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateCluster } from '@geostage/gen-kubeadm';
import { loadTopologyFile, type Model, resolve, type Topology } from '@geostage/schema';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const folder = mkdtempSync(join(tmpdir(), 'geostage-haproxy-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

async function model(env: string, change?: (topology: Topology) => void): Promise<Model> {
  const source = `environments/${env}/topology.yaml`;
  const { topology } = await loadTopologyFile(join(ROOT, source));
  if (!topology) throw new Error(`${source} does not load`);
  change?.(topology);
  return resolve(topology, source);
}

function haproxyCheck(name: string, content: string): { ok: boolean; output: string } {
  const file = join(folder, name.replaceAll('/', '_'));
  writeFileSync(file, content);
  try {
    const output = execFileSync('haproxy', ['-c', '-dW', '-f', file], { encoding: 'utf8', stdio: 'pipe' });
    return { ok: true, output };
  } catch (error) {
    const failure = error as { stdout?: string; stderr?: string };
    return { ok: false, output: `${failure.stdout ?? ''}${failure.stderr ?? ''}` };
  }
}

const cases: [string, () => Promise<Model>][] = [
  ['keio-2019', () => model('keio-2019')],
  ['global-hub', () => model('global-hub')],
  [
    'keio-2019 with a second load balancer on its segment',
    () =>
      model('keio-2019', (topology) => {
        topology.servers.push({
          name: 'lb2',
          site: 'site1',
          interface: 'ens160',
          address: '192.168.10.252',
          roles: ['load-balancer'],
        } as never);
      }),
  ],
];

describe('haproxy -c -dW on every generated haproxy.cfg', () => {
  for (const [label, load] of cases) {
    it(label, async () => {
      const configs = generateCluster(await load()).files.filter((file) =>
        file.path.endsWith('/haproxy.cfg'),
      );
      expect(configs.length).toBeGreaterThan(0);
      for (const config of configs) {
        const result = haproxyCheck(`${label}-${config.path}`, config.content);
        expect(result.ok, `${config.path}\n${result.output}`).toBe(true);
        expect(result.output).toContain('Configuration file is valid');
      }
    });
  }

  it('fails on a mere warning, so the checks above mean something', async () => {
    const [config] = generateCluster(await model('keio-2019')).files.filter((file) =>
      file.path.endsWith('/haproxy.cfg'),
    );
    // HTTP logging on a TCP frontend: haproxy only warns and falls back to tcplog.
    const result = haproxyCheck('warning.cfg', config!.content.replace('option tcplog', 'option httplog'));
    expect(result.ok).toBe(false);
    expect(result.output).toContain("'option httplog' not usable with frontend 'apiserver'");
  });
});
