// The layout of an environment, written down once (containerlab's TopoPaths): every file and
// folder of environments/<env>/ is named here, and every package asks here. The repository root
// is the nearest folder up with nx.json; environments live in its environments/ folder.
import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { INDEX_FILE } from '@geostage/schema';

/** The folders below generated/, one per generator; also the values of --only. */
export type GeneratedKind = 'network' | 'cluster';
export const GENERATED_KINDS: readonly GeneratedKind[] = ['network', 'cluster'];

export const ENVIRONMENTS_FOLDER = 'environments';
export const TOPOLOGY_FILE = 'topology.yaml';
/** Lab state, logs and lab-only keys (git-ignored). */
export const LAB_FOLDER = '.lab';

export interface EnvironmentPaths {
  /** The environment's name: its folder's name. */
  name: string;
  /** environments/<env> itself. */
  folder: string;
  /** topology.yaml, the one file a person writes. */
  topology: string;
  /** generated/, with one folder per generator. */
  generatedRoot: string;
  /** generated/network and generated/cluster. */
  generated: Readonly<Record<GeneratedKind, string>>;
  /** generated/<kind>/index.json: every file of the folder with its SHA-256 and mode. */
  index: Readonly<Record<GeneratedKind, string>>;
  /** public/: the public halves of the secrets (certificates, fingerprints), committed. */
  public: string;
  /** secrets/: the private halves and kubeadm values (0700, git-ignored). */
  secrets: string;
  /** results/: what was measured. */
  results: string;
  /** results/verify.json: the reachability matrix measured in the lab. */
  verifyResults: string;
  /** results/wan.json: the WAN measured in the lab. */
  wanResults: string;
  /** scenarios/: fault scenario files. */
  scenarios: string;
  /** inventory.yaml: how each real host is reached (for apply to real hosts). */
  inventory: string;
  /** known_hosts: the host keys of the real hosts, beside the topology. */
  knownHosts: string;
  /** .lab/: the lab on this machine (git-ignored). */
  lab: string;
  /** .lab/state.json: everything `lab up` made, for `lab down`. */
  labState: string;
}

/** Every path of the environment in `folder`; relative when `folder` is, absolute when it is. */
export function environmentPaths(folder: string): EnvironmentPaths {
  const generatedRoot = join(folder, 'generated');
  const generated = { network: join(generatedRoot, 'network'), cluster: join(generatedRoot, 'cluster') };
  const results = join(folder, 'results');
  const lab = join(folder, LAB_FOLDER);
  return {
    name: basename(folder),
    folder,
    topology: join(folder, TOPOLOGY_FILE),
    generatedRoot,
    generated,
    index: { network: join(generated.network, INDEX_FILE), cluster: join(generated.cluster, INDEX_FILE) },
    public: join(folder, 'public'),
    secrets: join(folder, 'secrets'),
    results,
    verifyResults: join(results, 'verify.json'),
    wanResults: join(results, 'wan.json'),
    scenarios: join(folder, 'scenarios'),
    inventory: join(folder, 'inventory.yaml'),
    knownHosts: join(folder, 'known_hosts'),
    lab,
    labState: join(lab, 'state.json'),
  };
}

/**
 * The environment `name` of the repository at `root`. With root '' the paths are relative to
 * the repository root, as messages and generated headers show them (environments/<env>/...).
 */
export function repositoryEnvironment(root: string, name: string): EnvironmentPaths {
  return environmentPaths(join(root, ENVIRONMENTS_FOLDER, name));
}

export function findRepositoryRoot(start: string): string | null {
  let folder = start;
  for (;;) {
    if (existsSync(join(folder, 'nx.json'))) return folder;
    const parent = dirname(folder);
    if (parent === folder) return null;
    folder = parent;
  }
}

/** Names of every environment with a topology file in `folder` (a repository's environments/), sorted. */
export function environmentsIn(folder: string): string[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(environmentPaths(join(folder, entry.name)).topology))
    .map((entry) => entry.name)
    .sort();
}

/** Names of every environment of the repository at `root`, sorted. */
export function listEnvironments(root: string): string[] {
  return environmentsIn(join(root, ENVIRONMENTS_FOLDER));
}
