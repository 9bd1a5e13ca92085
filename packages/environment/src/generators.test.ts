import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { generateEnvironment, regenerateFolder, selectGenerators } from './generators.ts';
import { loadEnvironment } from './load.ts';
import { findRepositoryRoot, repositoryEnvironment } from './paths.ts';
import { checkFileSet } from './writer.ts';

const root = findRepositoryRoot(import.meta.dirname)!;

describe('the generation pipeline', () => {
  it('generates what is committed, one output per generated/ folder', async () => {
    const environment = await loadEnvironment(root, 'keio-2019');
    const outputs = await generateEnvironment(environment.paths, environment.model!);
    expect(outputs.map((output) => output.generator)).toEqual(['network', 'cluster']);
    for (const output of outputs)
      expect(await checkFileSet(output.folder, output.files, environment.source)).toEqual([]);
  });

  it('selects one generator, and refuses an unknown one as a typed error', () => {
    const network = selectGenerators('network');
    expect(network.ok && network.generators.map((generator) => generator.name)).toEqual(['network']);
    expect(selectGenerators('routers')).toEqual({
      ok: false,
      kind: 'unknown-generator',
      only: 'routers',
      known: ['network', 'cluster'],
    });
  });

  it('regenerates a copied environment folder in place, byte for byte', async () => {
    const work = await mkdtemp(join(tmpdir(), 'gs-regenerate-'));
    onTestFinished(() => rm(work, { recursive: true, force: true }));
    const committed = repositoryEnvironment(root, 'keio-2019');
    const copy = join(work, 'keio-2019');
    await cp(committed.topology, join(copy, 'topology.yaml'));
    const result = await regenerateFolder(copy, 'environments/keio-2019/topology.yaml');
    expect(result.ok).toBe(true);
    expect(await readFile(join(copy, 'generated', 'network', 'index.json'), 'utf8')).toBe(
      await readFile(committed.index.network, 'utf8'),
    );
  });
});
