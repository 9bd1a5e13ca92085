// Whatever validate accepts in a free-text field that reaches a router or server file, the
// real checker of that file accepts too: VyOS's configuration tree of the router's release
// line (check_set.py --strict-tags, as vyos.test.ts runs it) and `netplan generate`. Values
// come from fast-check, biased towards each field's grammar and its near misses; a few dozen
// per field, since the tools are slow on two cores.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTopology, type Model, resolve } from '@geostage/schema';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { generateNetplan, generateVyos } from './index.ts';

// biome-ignore lint/suspicious/noExplicitAny: a parsed topology, changed field by field
type Loose = Record<string, any>;

const PACKAGE = join(import.meta.dirname, '..');
const ROOT = join(PACKAGE, '..', '..');
const TOOLS = join(PACKAGE, 'test-data', 'vyos');
const work = mkdtempSync(join(tmpdir(), 'geostage-accepted-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const RUNS = 30;
const SEED = Number(process.env.FC_SEED ?? 20261201);
const base = (env: string) =>
  parse(readFileSync(join(ROOT, 'environments', env, 'topology.yaml'), 'utf8')) as Loose;

/** Values near a grammar: strings it generates, and strings of its alphabet with troublemakers. */
function candidates(grammar: RegExp, alphabet: string, maxLength = 20, also: string[] = []): string[] {
  const near = fc.string({
    unit: fc.constantFrom(...alphabet, ' ', '_', '.', '-', 'A', '/', ':', '\t'),
    maxLength,
  });
  return [
    ...new Set([
      ...also,
      ...fc.sample(fc.oneof(fc.stringMatching(grammar), near), { numRuns: RUNS, seed: SEED }),
    ]),
  ];
}

function accepted(
  env: string,
  values: string[],
  set: (topology: Loose, value: string) => void,
): { value: string; model: Model }[] {
  const out: { value: string; model: Model }[] = [];
  for (const value of values) {
    const topology = base(env);
    set(topology, value);
    const { topology: loaded } = loadTopology(stringify(topology), 'accepted.yaml');
    if (loaded) out.push({ value, model: resolve(loaded, 'accepted.yaml') });
  }
  expect(out.length, 'validate accepted too few values to test anything').toBeGreaterThanOrEqual(3);
  return out;
}

/** Placeholders filled with values of the right shape, as apply fills them with real ones. */
function filled(text: string): string {
  const base64 = Buffer.from('not a real key or certificate, but base64 of the right shape').toString(
    'base64',
  );
  return text
    .replace(/@secret:openvpn\/[^@]*--[^@]*\.key\.body@/g, 'a1b2c3d4'.repeat(64))
    .replace(/@secret:[^@]+@/g, base64)
    .replace(/@public:[^@]+@/g, base64);
}

let batch = 0;
/** Every router script of every model through check_set.py, one process per release line. */
function vyosFailures(cases: { value: string; model: Model }[]): string[] {
  const byLine = new Map<string, { value: string; path: string }[]>();
  for (const { value, model } of cases) {
    for (const file of generateVyos(model).files.filter((candidate) =>
      candidate.path.endsWith('config.set'),
    )) {
      const router = file.path.split('/')[1]!;
      const line = String(model.sites.find((site) => site.router.name === router)!.router.release);
      const path = join(work, `${batch++}.set`);
      writeFileSync(path, filled(file.content));
      byLine.set(line, [...(byLine.get(line) ?? []), { value, path }]);
    }
  }
  expect(byLine.size).toBeGreaterThan(0);
  const failures: string[] = [];
  for (const [line, scripts] of byLine) {
    const result = spawnSync(
      'python3',
      [
        'check_set.py',
        '--tree',
        `vyos-${line}.json`,
        '--strict-tags',
        '-q',
        ...scripts.map((script) => script.path),
      ],
      { cwd: TOOLS, encoding: 'utf8' },
    );
    expect(result.status === 0 || result.status === 1, result.stderr).toBe(true);
    for (const row of result.stdout.split('\n')) {
      const match = /^(.*?):\d+: FAIL: (.*)$/.exec(row);
      const script = match && scripts.find((candidate) => candidate.path === match[1]);
      if (script) failures.push(`VyOS ${line}, value ${JSON.stringify(script.value)}: ${match[2]}`);
    }
  }
  return failures;
}

const INTERFACE = /^(eth|lan|ens|enp|eno|enx|wlan|br)([2-9][0-9]?|[0-9a-z]{1,6})$/;

describe('what validate accepts, the router and server tools accept', () => {
  it('router interface names: the VyOS trees of 1.2 (keio-2019) and 1.4/1.5 (global-hub)', () => {
    // The names each line takes, so that every case has some: VyOS 1.2 takes only eth<N> and lan<N>.
    const values = candidates(INTERFACE, 'ethnsp0123lax', 20, [
      'eth2',
      'eth7',
      'lan0',
      'ens192',
      'enp1s0',
      'enx0a1b',
    ]);
    const cases = [
      ...accepted('keio-2019', values, (t, v) => (t.sites[0].router.wan.interface = v)),
      ...accepted('keio-2019', values, (t, v) => (t.sites[1].segments[0].interface = v)),
      ...accepted('global-hub', values, (t, v) => (t.sites[0].router.wan.interface = v)),
      ...accepted('global-hub', values, (t, v) => (t.sites[1].segments[0].interface = v)),
    ];
    expect(vyosFailures(cases)).toEqual([]);
  }, 120_000);

  it('site and segment names: the VyOS trees (they become descriptions and tunnel names)', () => {
    const values = candidates(/^[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?$/, 'abz09-', 70);
    const cases = [
      ...accepted('global-hub', values, (t, v) => (t.sites[1].segments[0].name = v)),
      ...accepted('global-hub', values, (t, v) => {
        // A site renamed everywhere it is named: its servers and the WAN cities stay.
        const old = t.sites[3].name;
        t.sites[3].name = v;
        for (const server of t.servers) if (server.site === old) server.site = v;
      }),
    ];
    expect(vyosFailures(cases)).toEqual([]);
  }, 120_000);

  it('server interface names: netplan generate', () => {
    const values = candidates(INTERFACE, 'ensp0123lax').slice(0, 15);
    for (const { value, model } of accepted('keio-2019', values, (t, v) => (t.servers[1].interface = v))) {
      const file = generateNetplan(model).find(
        (candidate) => candidate.path === 'servers/master01/netplan.yaml',
      )!;
      const root = join(work, `netplan-${batch++}`);
      mkdirSync(join(root, 'etc', 'netplan'), { recursive: true });
      writeFileSync(join(root, 'etc', 'netplan', '50-geostage.yaml'), file.content, { mode: 0o600 });
      const result = spawnSync('netplan', ['generate', '--root-dir', root], { encoding: 'utf8' });
      expect(result.status, `${value}: ${result.stderr}`).toBe(0);
      expect(result.stderr, value).not.toMatch(/error|warning/i);
    }
  }, 120_000);
});
