import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from './diagnostics.ts';
import { loadTopology, loadTopologyFile } from './load.ts';
import { topologyJsonSchema } from './topology.ts';

const root = join(import.meta.dirname, '..', '..', '..');
const corpus = join(import.meta.dirname, '..', 'test-data', 'invalid');
const update = process.env.UPDATE_GOLDEN === '1';

function render(text: string | Uint8Array, file: string): string {
  const { diagnostics } = loadTopology(text, file);
  return `${diagnostics.map(formatDiagnostic).join('\n')}\n`;
}

describe('golden corpus of invalid topologies', () => {
  const cases = readdirSync(corpus)
    .filter((name) => name.endsWith('.yaml'))
    .sort();

  it('holds at least 30 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
  });

  for (const name of cases) {
    it(name, () => {
      // As bytes, the way the CLI reads a file: an encoding mistake must show too.
      const actual = render(readFileSync(join(corpus, name)), name);
      const expectedFile = join(corpus, name.replace(/\.yaml$/, '.expected.txt'));
      if (update) writeFileSync(expectedFile, actual);
      expect(actual).toBe(readFileSync(expectedFile, 'utf8'));
      expect(actual.trim()).not.toBe('');
    });
  }
});

describe('loadTopology', () => {
  // global-hub's control planes sit in Osaka and Berlin, 148 ms apart through the Tokyo hub:
  // the one warning a bundled environment carries on purpose.
  const expected: Record<string, string[]> = {
    'keio-2019': [],
    'global-hub': ['warning etcd-across-wan'],
    'wide-2012': [],
  };
  for (const [env, diagnostics] of Object.entries(expected)) {
    it(`loads environments/${env} with ${diagnostics.length === 0 ? 'no diagnostics' : diagnostics.join(', ')}`, async () => {
      const result = await loadTopologyFile(join(root, 'environments', env, 'topology.yaml'));
      expect(result.diagnostics.map((d) => `${d.severity} ${d.code}`)).toEqual(diagnostics);
      expect(result.topology?.name).toBe(env);
    });
  }

  it('applies schema defaults to the returned topology', async () => {
    const { topology } = await loadTopologyFile(join(root, 'environments', 'keio-2019', 'topology.yaml'));
    expect(topology?.vpn?.port).toBe(1194);
    expect(topology?.kubernetes?.dnsDomain).toBe('cluster.local');
  });

  it('reports every mistake at once, sorted by position', () => {
    const text = readFileSync(join(corpus, 'three-mistakes.yaml'), 'utf8');
    const { topology, diagnostics } = loadTopology(text, 'three-mistakes.yaml');
    expect(topology).toBeNull();
    expect(diagnostics.map((d) => d.code)).toEqual([
      'duplicate-name',
      'unknown-site',
      'address-outside-segment',
    ]);
    const lines = diagnostics.map((d) => d.line);
    expect(lines).toEqual([...lines].sort((a, b) => a - b));
  });

  it('returns the topology when there are only warnings', () => {
    const text = readFileSync(join(corpus, 'static-key-on-linux.yaml'), 'utf8');
    const { topology, diagnostics } = loadTopology(text, 'static-key-on-linux.yaml');
    expect(diagnostics.map((d) => d.severity)).toEqual(['warning']);
    expect(topology).not.toBeNull();
  });

  it('gives every diagnostic a code, a hint, a position and a path', () => {
    for (const name of readdirSync(corpus).filter((n) => n.endsWith('.yaml'))) {
      const { diagnostics } = loadTopology(readFileSync(join(corpus, name)), name);
      for (const d of diagnostics) {
        expect(d.code).toMatch(/^[a-z]+(-[a-z0-9]+)*$/);
        expect(d.hint.length).toBeGreaterThan(0);
        expect(d.line).toBeGreaterThanOrEqual(1);
        expect(d.column).toBeGreaterThanOrEqual(1);
        expect(d.file).toBe(name);
      }
    }
  });

  it('reports an unreadable file as a diagnostic, with the path as given', async () => {
    const { topology, diagnostics } = await loadTopologyFile('no/such/topology.yaml');
    expect(topology).toBeNull();
    expect(diagnostics.map(formatDiagnostic)).toEqual([
      'no/such/topology.yaml:1:1: error file-unreadable: cannot read the topology: no such file\n  hint: check the path',
    ]);
  });
});

describe('diagnostics that help', () => {
  it('never gives a field description of the schema as a hint', () => {
    const descriptions = new Set<string>();
    const collect = (node: unknown) => {
      if (Array.isArray(node)) node.forEach(collect);
      else if (node && typeof node === 'object') {
        for (const [key, value] of Object.entries(node)) {
          if (key === 'description' && typeof value === 'string')
            descriptions.add(value.toLowerCase().replace(/\.$/, ''));
          else collect(value);
        }
      }
    };
    collect(topologyJsonSchema());
    for (const name of readdirSync(corpus).filter((n) => n.endsWith('.yaml'))) {
      for (const d of loadTopology(readFileSync(join(corpus, name)), name).diagnostics) {
        expect(descriptions.has(d.hint.toLowerCase().replace(/\.$/, '')), `${name}: ${d.hint}`).toBe(false);
      }
    }
  });

  it('refuses an alias bomb at its alias within a second, naming the limit', () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (const [previous, next] of [
      ['a', 'b'],
      ['b', 'c'],
      ['c', 'd'],
      ['d', 'e'],
      ['e', 'f'],
      ['f', 'g'],
    ])
      levels.push(`${next}: &${next} [${Array(10).fill(`*${previous}`).join(', ')}]`);
    const started = performance.now();
    const { diagnostics } = loadTopology(`name: lab\n${levels.join('\n')}\n`, 'bomb.yaml');
    expect(performance.now() - started).toBeLessThan(1000);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ code: 'yaml-alias-limit' });
    expect(diagnostics[0]!.line).toBeGreaterThan(2);
    expect(diagnostics[0]!.hint).toContain('1000');
  });

  it('gives one error for one tab, wherever the parser would cascade', () => {
    for (const text of [
      'name: lab\nsites:\n  - name: alpha\n\trouter: { name: x }\n    segments: []\nservers: []\n',
      'name: lab\nsites:\n  - name: alpha\n    router:\n\t  name: x\n    segments: []\nservers: []\n',
    ]) {
      expect(loadTopology(text, 'tab.yaml').diagnostics.map((d) => d.code)).toEqual(['yaml-syntax']);
    }
  });

  it('refuses bytes that are not UTF-8 at the first bad one, and reads UTF-8 with a BOM', () => {
    const latin1 = Buffer.from('name: lab\ndescription: caf\xe9\n', 'latin1');
    const { diagnostics } = loadTopology(latin1, 'latin1.yaml');
    expect(diagnostics.map((d) => `${d.line}:${d.column} ${d.code}`)).toEqual(['2:17 file-not-utf8']);
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('name: lab\n')]);
    expect(loadTopology(bom, 'bom.yaml').diagnostics.map((d) => d.code)).toEqual([
      'schema-required',
      'schema-required',
    ]);
  });
});

describe('duplicate keys', () => {
  it('names the key and both lines, also within one flow mapping', () => {
    const messages = (text: string) =>
      loadTopology(text, 'd.yaml').diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`);
    expect(messages('name: a\nsites: []\nname: b\n')).toEqual([
      '3:1 key "name" is given twice in one mapping: lines 1 and 3',
    ]);
    expect(messages('name: a\nwan: { access: 1, access: 2 }\n')).toEqual([
      '2:19 key "access" is given twice in one mapping: both on line 2',
    ]);
  });
});

describe('text that was not UTF-8', () => {
  it('is refused where a UTF-8 reader put U+FFFD, as the CLI reads a file today', () => {
    const text = Buffer.from('name: lab\nsites:\n  - name: caf\xe9\n', 'latin1').toString('utf8');
    const { topology, diagnostics } = loadTopology(text, 'latin1.yaml');
    expect(topology).toBeNull();
    expect(diagnostics.map((d) => `${d.line}:${d.column} ${d.code}`)).toEqual(['3:14 file-not-utf8']);
  });
});
