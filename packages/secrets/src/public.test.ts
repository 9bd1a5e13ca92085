import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTopology, resolve } from '@geostage/schema';
import { describe, expect, it, onTestFinished } from 'vitest';
import { secretsInit } from './init/init.ts';
import { NO_MATERIAL, readPublicMaterial } from './public.ts';

const source = 'environments/global-hub/topology.yaml';
const loaded = loadTopology(readFileSync(new URL(`../../../${source}`, import.meta.url), 'utf8'), source);
const model = resolve(loaded.topology!, source);

describe('readPublicMaterial', { timeout: 30_000 }, () => {
  it('is empty before secrets init, and holds every router certificate after it', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'gs-public-'));
    onTestFinished(() => rm(folder, { recursive: true, force: true }));
    const folders = { folder, secrets: join(folder, 'secrets'), public: join(folder, 'public') };
    expect(await readPublicMaterial(folders.public)).toEqual(NO_MATERIAL);
    const made = await secretsInit(folders, model);
    expect(made.ok).toBe(true);
    const material = await readPublicMaterial(folders.public);
    expect(material.caCertificate).toContain('BEGIN CERTIFICATE');
    expect(Object.keys(material.routers).sort()).toEqual(model.sites.map((site) => site.router.name).sort());
    for (const router of Object.values(material.routers))
      expect(router.fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  });
});
