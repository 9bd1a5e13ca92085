import { describe, expect, it } from 'vitest';
import { describeEnvironmentError, loadEnvironment, selectEnvironments } from './load.ts';
import { findRepositoryRoot } from './paths.ts';

const root = findRepositoryRoot(import.meta.dirname)!;

describe('loading environments', () => {
  it('loads a topology into a Model, naming it as generated headers do', async () => {
    const environment = await loadEnvironment(root, 'keio-2019');
    expect(environment.folder).toBe('environments/keio-2019');
    expect(environment.source).toBe('environments/keio-2019/topology.yaml');
    expect(environment.paths.topology).toBe(`${root}/environments/keio-2019/topology.yaml`);
    expect(environment.model?.name).toBe('keio-2019');
  });

  it('returns an unknown name as a typed error with the names it knows', () => {
    const selection = selectEnvironments(root, ['nowhere']);
    expect(selection).toMatchObject({ ok: false, kind: 'unknown-environment', name: 'nowhere' });
    if (selection.ok) return;
    expect(describeEnvironmentError(selection)).toMatch(
      /^no environment named "nowhere" \(environments: .*keio-2019/,
    );
    expect(selectEnvironments(root, [])).toMatchObject({ ok: true });
  });
});
