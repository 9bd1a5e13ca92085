// Whatever validate accepts in a free-text field, the real checker of the file it ends up in
// accepts too: the kubeadm schemas, kubernetes-models, kubectl's label validation, docker's
// image reference parser, haproxy -c. Values come from fast-check, biased towards each field's
// grammar and its near misses; runs are bounded (a few dozen values per field) because the
// real tools are slow on two cores.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type FileSet, loadTopology, type Model, resolve } from '@geostage/schema';
import fc from 'fast-check';
import { StatefulSet } from 'kubernetes-models/apps/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Namespace, Node, Service } from 'kubernetes-models/v1';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { generateCluster, validateKubeadmFile } from './index.ts';

// biome-ignore lint/suspicious/noExplicitAny: a parsed topology, changed field by field
type Loose = Record<string, any>;

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BASE = parse(readFileSync(join(ROOT, 'environments/global-hub/topology.yaml'), 'utf8')) as Loose;
const work = mkdtempSync(join(tmpdir(), 'geostage-accepted-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const RUNS = 30;
const SEED = Number(process.env.FC_SEED ?? 20261201);

/** Values near a grammar: strings it generates, and strings of its alphabet with troublemakers. */
function candidates(grammar: RegExp, alphabet: string, maxLength = 40): string[] {
  const near = fc.string({
    unit: fc.constantFrom(...alphabet, ' ', '_', '.', '-', 'A', '/', ':', '\t'),
    maxLength,
  });
  return fc.sample(fc.oneof(fc.stringMatching(grammar), near), { numRuns: RUNS, seed: SEED });
}

/** The Models of the values validate accepts in the field `set` writes (at least a few). */
function accepted(
  values: string[],
  set: (topology: Loose, value: string) => void,
): { value: string; model: Model }[] {
  const out: { value: string; model: Model }[] = [];
  for (const value of new Set(values)) {
    const topology = structuredClone(BASE);
    set(topology, value);
    const { topology: loaded } = loadTopology(stringify(topology), 'accepted.yaml');
    if (loaded) out.push({ value, model: resolve(loaded, 'accepted.yaml') });
  }
  expect(out.length, 'validate accepted too few values to test anything').toBeGreaterThanOrEqual(3);
  return out;
}

function kubeadmProblems(files: FileSet): string[] {
  return files
    .filter((file) => file.path.endsWith('/kubeadm.yaml'))
    .flatMap((file) =>
      validateKubeadmFile(file.content).map((problem) => `${file.path} ${problem.path}: ${problem.message}`),
    );
}

// biome-ignore lint/suspicious/noExplicitAny: each model class takes its own data type
const MODELS: Record<string, new (data: any) => { validate(): void }> = {
  'v1 ConfigMap': ConfigMap,
  'v1 Namespace': Namespace,
  'v1 Node': Node,
  'v1 Service': Service,
  'apps/v1 StatefulSet': StatefulSet,
  'policy/v1 PodDisruptionBudget': PodDisruptionBudget,
};

function manifests(files: FileSet): Loose[] {
  return files
    .filter((file) => file.path.startsWith('manifests/'))
    .flatMap((file) => parseAllDocuments(file.content).map((document) => document.toJS() as Loose));
}

/** kubernetes-models (the API's OpenAPI schemas: quantities, types) and the API's name rules. */
function manifestProblems(files: FileSet): string[] {
  const problems: string[] = [];
  for (const document of manifests(files)) {
    const key = `${document.apiVersion} ${document.kind}`;
    const name = String(document.metadata?.name);
    try {
      new MODELS[key]!(document).validate();
    } catch (error) {
      problems.push(`${key} ${name}: ${(error as Error).message}`);
    }
    problems.push(...nameProblems(document).map((problem) => `${key} ${name}: ${problem}`));
  }
  return problems;
}

// The API server's name rules, from k8s.io/apimachinery/pkg/util/validation (IsDNS1123Label,
// IsDNS1035Label, IsDNS1123Subdomain, IsValidPortName) and the StatefulSet controller's
// controller-revision-hash label (name + "-" + 10 characters <= 63). kubectl cannot check
// names without a server, so these are written out here from the Go source.
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const isPortName = (name: string) =>
  name.length >= 1 &&
  name.length <= 15 &&
  /^[-a-z0-9]+$/.test(name) &&
  /[a-z]/.test(name) &&
  !name.includes('--') &&
  !/^-|-$/.test(name);

function nameProblems(document: Loose): string[] {
  const name = String(document.metadata?.name ?? '');
  const problems: string[] = [];
  const label = (value: string) => value.length <= 63 && DNS1123_LABEL.test(value);
  if (document.kind === 'Service' && !(name.length <= 63 && DNS1035_LABEL.test(name)))
    problems.push('Service name is no DNS-1035 label');
  if (document.kind === 'StatefulSet' && !(name.length <= 52 && DNS1123_SUBDOMAIN.test(name)))
    problems.push('StatefulSet name is no subdomain of at most 52 characters');
  if (document.kind === 'Namespace' && !label(name)) problems.push('Namespace name is no DNS-1123 label');
  if (document.kind === 'Node' && !(name.length <= 253 && DNS1123_SUBDOMAIN.test(name)))
    problems.push('Node name is no subdomain');
  const containers: Loose[] = document.spec?.template?.spec?.containers ?? [];
  for (const container of containers) {
    if (!label(container.name)) problems.push(`container name ${container.name} is no DNS-1123 label`);
    for (const port of container.ports ?? [])
      if (!isPortName(port.name)) problems.push(`port name ${port.name}`);
  }
  for (const port of document.kind === 'Service' ? (document.spec?.ports ?? []) : [])
    if (!isPortName(port.name)) problems.push(`service port name ${port.name}`);
  return problems;
}

/** Every label of every manifest and kubelet argument, through kubectl's own label validation. */
function labelProblems(files: FileSet): string[] {
  const labels = new Set<string>();
  for (const document of manifests(files)) {
    for (const [key, value] of Object.entries(document.metadata?.labels ?? {})) labels.add(`${key}=${value}`);
  }
  for (const file of files.filter((candidate) => candidate.path.endsWith('/kubeadm.yaml'))) {
    for (const match of file.content.matchAll(/node-labels\n\s+value: (.*)\n/g)) {
      for (const pair of (parse(match[1]!) as string).split(',')) labels.add(pair);
    }
  }
  const node = join(work, 'node.yaml');
  writeFileSync(node, 'apiVersion: v1\nkind: Node\nmetadata:\n  name: n1\n');
  const result = spawnSync('kubectl', ['label', '--local', '-f', node, '-o', 'name', ...labels], {
    encoding: 'utf8',
    env: { ...process.env, KUBECONFIG: join(work, 'no-kubeconfig') },
  });
  return result.status === 0 ? [] : [`${result.stderr.trim()} (labels: ${[...labels].join(' ')})`];
}

const has = (tool: string) => spawnSync(tool, ['--help'], { stdio: 'ignore' }).error === undefined;

// Real tools on two busy cores: a field's few dozen runs can take longer than the project default.
describe('what validate accepts, the cluster tools accept', { timeout: 120_000 }, () => {
  it('controlPlaneEndpoint.dnsName: the kubeadm schemas', () => {
    const values = candidates(
      /^[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?){0,3}$/,
      'abc019-.',
    );
    for (const { value, model } of accepted(
      values,
      (t, v) => (t.kubernetes.controlPlaneEndpoint.dnsName = v),
    ))
      expect(kubeadmProblems(generateCluster(model).files), value).toEqual([]);
  });

  it('kubernetes.dnsDomain: the kubeadm schemas and the manifests that name peers in it', () => {
    const values = candidates(
      /^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?){0,2}$/,
      'abc019-.',
    );
    for (const { value, model } of accepted(values, (t, v) => (t.kubernetes.dnsDomain = v))) {
      const { files } = generateCluster(model);
      expect([...kubeadmProblems(files), ...manifestProblems(files)], value).toEqual([]);
    }
  });

  it('sites[].region: kubectl label validation of the kubelet node labels', () => {
    if (!has('kubectl')) return;
    const values = candidates(/^[A-Za-z0-9]([-A-Za-z0-9_.]{0,30}[A-Za-z0-9])?$/, 'aZ09-_.é');
    for (const { value, model } of accepted(values, (t, v) => (t.sites[0].region = v)))
      expect(labelProblems(generateCluster(model).files), value).toEqual([]);
  });

  it('resources.cpu and resources.memory: kubernetes-models quantities', () => {
    const values = candidates(
      /^[0-9]{1,4}(\.[0-9]{1,3})?([KMGTPE]i|[numkMGTPE]|e[0-9])?$/,
      '0123456789.mMiGkKe+-',
    );
    for (const field of ['cpu', 'memory']) {
      for (const { value, model } of accepted(values, (t, v) => (t.applications[0].resources[field] = v)))
        expect(manifestProblems(generateCluster(model).files), `${field}: ${value}`).toEqual([]);
    }
  });

  it('args, command and peers.argument: kubernetes-models containers', () => {
    const values = fc.sample(
      fc.string({
        unit: fc.oneof(
          fc.constantFrom('\0', '\n', '"', "'", '{peer}', '$', '\\'),
          fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
        ),
        maxLength: 20,
      }),
      {
        numRuns: RUNS,
        seed: SEED,
      },
    );
    const sets: [string, (t: Loose, v: string) => void][] = [
      ['args', (t, v) => t.applications[0].args.push(v)],
      ['command', (t, v) => (t.applications[0].command = [v])],
      ['peers.argument', (t, v) => (t.applications[0].peers.argument = `${v}{peer}`)],
    ];
    for (const [field, set] of sets) {
      for (const { value, model } of accepted(values, set))
        expect(manifestProblems(generateCluster(model).files), `${field}: ${JSON.stringify(value)}`).toEqual(
          [],
        );
    }
  });

  it('application and port names: kubernetes-models and the API name rules', () => {
    const names = candidates(/^[a-z0-9]([a-z0-9-]{0,50}[a-z0-9])?$/, 'ab09-', 60);
    for (const { value, model } of accepted(names, (t, v) => (t.applications[1].name = v)))
      expect(manifestProblems(generateCluster(model).files), value).toEqual([]);
    const ports = candidates(/^[a-z0-9]([a-z0-9-]{0,14}[a-z0-9])?$/, 'ab09-', 18);
    for (const { value, model } of accepted(ports, (t, v) => (t.applications[0].ports[1].name = v)))
      expect(manifestProblems(generateCluster(model).files), value).toEqual([]);
  });

  it('applications[].image: docker parses every accepted reference', () => {
    if (!has('docker')) return;
    const values = candidates(
      /^([a-z0-9]{1,8}(\.[a-z0-9]{1,8}){0,2}(:[0-9]{2,5})?\/)?[a-z0-9]{1,8}([._-][a-z0-9]{1,8}){0,2}(\/[a-z0-9]{1,8}){0,2}(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,10})?(@sha256:[0-9a-f]{64})?$/,
      'abz09:/@._-',
      60,
    );
    for (const { value, model } of accepted(values, (t, v) => (t.applications[0].image = v))) {
      const images = manifests(generateCluster(model).files).flatMap((document) =>
        ((document.spec?.template?.spec?.containers ?? []) as Loose[]).map((container) =>
          String(container.image),
        ),
      );
      for (const image of new Set(images)) {
        // A socket that does not exist: docker parses the reference, then fails to connect.
        const result = spawnSync('docker', ['create', '--pull', 'never', image], {
          encoding: 'utf8',
          env: { ...process.env, DOCKER_HOST: `unix://${join(work, 'no-docker.sock')}` },
        });
        expect(result.stderr, value).not.toMatch(/invalid reference format/);
        expect(result.stderr, value).toMatch(/Cannot connect to the Docker daemon/);
      }
    }
  });

  it('server names: haproxy -c on the load balancer, and the kubeadm schemas', () => {
    if (!has('haproxy')) return;
    const values = candidates(/^[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?$/, 'ab09-.', 70);
    for (const { value, model } of accepted(values, (t, v) => (t.servers[1].name = v))) {
      const { files } = generateCluster(model);
      expect(kubeadmProblems(files), value).toEqual([]);
      for (const config of files.filter((file) => file.path.endsWith('/haproxy.cfg'))) {
        const path = join(work, 'haproxy.cfg');
        writeFileSync(path, config.content);
        expect(
          () => execFileSync('haproxy', ['-c', '-dW', '-f', path], { stdio: 'pipe' }),
          value,
        ).not.toThrow();
      }
    }
  });
});
