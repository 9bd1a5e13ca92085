import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { environmentPaths, findRepositoryRoot, listEnvironments, repositoryEnvironment } from './paths.ts';

const root = findRepositoryRoot(import.meta.dirname)!;

describe('environment paths', () => {
  it('names every file and folder of environments/<env>/ in one place', () => {
    expect(repositoryEnvironment('', 'keio-2019')).toEqual({
      name: 'keio-2019',
      folder: 'environments/keio-2019',
      topology: 'environments/keio-2019/topology.yaml',
      generatedRoot: 'environments/keio-2019/generated',
      generated: {
        network: 'environments/keio-2019/generated/network',
        cluster: 'environments/keio-2019/generated/cluster',
      },
      index: {
        network: 'environments/keio-2019/generated/network/index.json',
        cluster: 'environments/keio-2019/generated/cluster/index.json',
      },
      public: 'environments/keio-2019/public',
      secrets: 'environments/keio-2019/secrets',
      results: 'environments/keio-2019/results',
      verifyResults: 'environments/keio-2019/results/verify.json',
      wanResults: 'environments/keio-2019/results/wan.json',
      scenarios: 'environments/keio-2019/scenarios',
      inventory: 'environments/keio-2019/inventory.yaml',
      knownHosts: 'environments/keio-2019/known_hosts',
      lab: 'environments/keio-2019/.lab',
      labState: 'environments/keio-2019/.lab/state.json',
    });
  });

  it('works for any folder laid out as an environment (the lab keeps its keys so)', () => {
    const paths = environmentPaths('/tmp/x/.lab/keys');
    expect([paths.secrets, paths.public]).toEqual(['/tmp/x/.lab/keys/secrets', '/tmp/x/.lab/keys/public']);
  });

  it('finds the repository and its environments', () => {
    expect(findRepositoryRoot(join(root, 'packages', 'environment', 'src'))).toBe(root);
    expect(listEnvironments(root)).toEqual(expect.arrayContaining(['global-hub', 'keio-2019']));
    expect(listEnvironments(join(root, 'packages'))).toEqual([]);
  });
});
