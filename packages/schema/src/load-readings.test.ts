// The quick reading (js-yaml) must give exactly what the full one (`yaml`, with positions) gives,
// or step aside: load.ts trusts it only for documents with nothing to report.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { load as quickYaml } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { fullLoad, quickLoad } from './load.ts';
import { synthYaml } from './synth.ts';

const root = join(import.meta.dirname, '..', '..', '..');
const testData = join(import.meta.dirname, '..', 'test-data');

function yamlFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? yamlFiles(join(folder, entry.name))
      : entry.name.endsWith('.yaml')
        ? [join(folder, entry.name)]
        : [],
  );
}

describe('the quick reading agrees with the full one', () => {
  const environments = readdirSync(join(root, 'environments')).map((name) =>
    join(root, 'environments', name, 'topology.yaml'),
  );
  const documents: [string, string][] = [
    ...environments.map(
      (file) => [file.slice(root.length + 1), readFileSync(file, 'utf8')] as [string, string],
    ),
    ...yamlFiles(testData).map(
      (file) => [file.slice(root.length + 1), readFileSync(file, 'utf8')] as [string, string],
    ),
  ];
  for (const [options, label] of [
    [{ sites: 12, serversPerSite: 3, policy: 'hub-and-spoke', hubs: 2, natShare: 0.5 }, 'hub-and-spoke, NAT'],
    [
      { sites: 6, serversPerSite: 2, policy: 'full-mesh', releases: ['1.2', '1.3', '1.4', '1.5'] },
      'full mesh',
    ],
  ] as const) {
    const made = synthYaml({ name: 'agree', ...options });
    if (made.ok) documents.push([`synth ${label}`, made.text]);
  }

  it('covers the environments, the test corpus and synthetic topologies', () => {
    expect(documents.length).toBeGreaterThan(30);
    // The quick reading is used at all: every synthetic and at least one environment.
    expect(documents.filter(([, text]) => quickLoad(text) !== null).length).toBeGreaterThanOrEqual(3);
  });

  for (const [name, text] of documents) {
    it(name, () => {
      const quick = quickLoad(text);
      const full = fullLoad(text, name);
      if (quick === null) return; // left to the full reading: nothing to compare
      expect(full.diagnostics).toEqual([]);
      expect(quick.topology).toEqual(full.topology);
    });
  }
});

describe('js-yaml and yaml read the same values', () => {
  // Values a topology holds: strings (names, addresses, descriptions with any character),
  // numbers, booleans, null, nested in maps and lists.
  const scalar = fc.oneof(
    fc.string(),
    fc.string({
      unit: fc.constantFrom('a', '1', '.', ':', '-', ' ', '#', '"', "'", 'e', 'x', '0', '_', '\n'),
    }),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
  );
  const value = fc.letrec((tie) => ({
    node: fc.oneof({ depthSize: 'small' }, scalar, tie('list'), tie('map')),
    list: fc.array(tie('node'), { maxLength: 4 }),
    map: fc.dictionary(fc.string({ minLength: 1 }), tie('node'), { maxKeys: 4 }),
  })).node;

  it('for any value yaml writes, in block and flow style', () => {
    fc.assert(
      // A mapping at the top, as every topology is (yaml cannot read back some top-level block
      // scalars it writes itself, such as " \na").
      fc.property(
        fc.dictionary(fc.string({ minLength: 1 }), value, { maxKeys: 4 }),
        fc.boolean(),
        (data, flow) => {
          const text = stringify(data, flow ? { collectionStyle: 'flow' } : {});
          if (/[&*!\t\r]|^%/m.test(text)) return; // load.ts leaves these to the full reading
          // yaml writes some flow mappings that no reader takes back (`{ " ": :\n\n    a }` for
          // {" ": ":\na"}): then both must refuse it, and load.ts reports the full reading's error.
          const reading = (read: (text: string) => unknown) => {
            try {
              return { value: read(text) };
            } catch {
              return { refused: true };
            }
          };
          expect(reading(quickYaml)).toEqual(reading(parse));
        },
      ),
      // A counterexample a run found, kept: both readers refuse what yaml wrote for it.
      { numRuns: 500, examples: [[{ ' ': ':\na' }, true]] },
    );
  });

  it('for plain scalars as a person types them', () => {
    const typed = fc.stringMatching(/^[-+.0-9a-zA-Z_:/ ]{1,12}$/);
    fc.assert(
      fc.property(typed, (word) => {
        const text = `key: ${word}\n`;
        let quick: unknown;
        try {
          quick = quickYaml(text);
        } catch {
          return; // refused: load.ts then reads it fully
        }
        expect(quick).toEqual(parse(text));
      }),
      { numRuns: 2000 },
    );
  });
});
