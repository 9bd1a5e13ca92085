// A stale lab is named stale: what changed, file by file, and what to run.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  appliedSource,
  applyRepairs,
  readLabSource,
  sourceChanges,
  staleMessage,
  topologyOnly,
} from './digest.ts';

const built = {
  files: {
    'topology.yaml': 'a',
    'generated/network/routers/r1/config.set': 'b',
    'generated/network/servers/s1/netplan.yaml': 'c',
  },
};

describe('the lab source', () => {
  it("digests the topology and the generated network files, not the generator's index of them", async () => {
    const folder = mkdtempSync(join(tmpdir(), 'gs-digest-'));
    try {
      mkdirSync(join(folder, 'generated/network/routers/r1'), { recursive: true });
      writeFileSync(join(folder, 'topology.yaml'), 'name: x\n');
      writeFileSync(join(folder, 'generated/network/routers/r1/config.set'), 'set x\n');
      writeFileSync(join(folder, 'generated/network/index.json'), '{}\n');
      const source = await readLabSource(folder);
      expect(Object.keys(source.files).sort()).toEqual([
        'generated/network/routers/r1/config.set',
        'topology.yaml',
      ]);
      // A router change rewrites the index too; it must still read as one apply brings forward.
      writeFileSync(join(folder, 'generated/network/routers/r1/config.set'), 'set y\n');
      writeFileSync(join(folder, 'generated/network/index.json'), '{"changed":true}\n');
      expect(applyRepairs(sourceChanges(source, await readLabSource(folder)))).toBe(true);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('names each changed, added and removed file', () => {
    const now = {
      files: {
        'topology.yaml': 'a2',
        'generated/network/routers/r1/config.set': 'b',
        'generated/network/routers/r2/config.set': 'd',
      },
    };
    expect(sourceChanges(built, now)).toEqual([
      { path: 'generated/network/routers/r2/config.set', change: 'added' },
      { path: 'generated/network/servers/s1/netplan.yaml', change: 'removed' },
      { path: 'topology.yaml', change: 'changed' },
    ]);
    expect(sourceChanges(built, built)).toEqual([]);
  });

  it('a machines lab is stale only when its topology changes (apply brings the generated files)', () => {
    const machines = topologyOnly(built);
    expect(machines.files).toEqual({ 'topology.yaml': 'a' });
    const regenerated = { files: { ...built.files, 'generated/network/routers/r1/config.set': 'b2' } };
    expect(sourceChanges(machines, regenerated)).toEqual([]);
    expect(sourceChanges(machines, { files: { ...built.files, 'topology.yaml': 'a2' } })).toEqual([
      { path: 'topology.yaml', change: 'changed' },
    ]);
  });

  it('says apply repairs router changes, and lab down and up anything else', () => {
    const routers = [{ path: 'generated/network/routers/r1/config.set', change: 'changed' as const }];
    const servers = [{ path: 'generated/network/servers/s1/netplan.yaml', change: 'changed' as const }];
    expect(applyRepairs(routers)).toBe(true);
    expect(applyRepairs(servers)).toBe(false);
    expect(staleMessage('x', routers)).toMatch(/config\.set changed\); run geostage apply x --lab/);
    expect(staleMessage('x', servers)).toMatch(/run geostage lab down x and geostage lab up x$/);
  });

  it('counts the routers apply configured as built from the files now, and nothing else', () => {
    const now = {
      files: {
        ...built.files,
        'generated/network/routers/r1/config.set': 'b2',
        'generated/network/servers/s1/netplan.yaml': 'c2',
      },
    };
    const after = appliedSource(built, now, ['r1']);
    expect(sourceChanges(after, now)).toEqual([
      { path: 'generated/network/servers/s1/netplan.yaml', change: 'changed' },
    ]);
  });
});
