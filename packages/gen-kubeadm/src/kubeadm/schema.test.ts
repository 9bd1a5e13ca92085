// The kubeadm JSON Schemas accept every generated file and reject broken ones: a check that
// cannot fail proves nothing, so each kind gets a deliberately broken document.
import { describe, expect, it } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import { EXAMPLES, exampleModel } from '../examples.ts';
import { generateCluster } from '../index.ts';
import { DUMMY_SECRETS, validateKubeadmFile } from './validate.ts';

// biome-ignore lint/suspicious/noExplicitAny: parsed YAML, walked freely by the assertions
type Doc = Record<string, any>;

async function kubeadmFiles(version?: string) {
  const models = await Promise.all(
    EXAMPLES.map((example) =>
      exampleModel(example, (topology) => {
        if (version) topology.kubernetes!.version = version;
      }),
    ),
  );
  return models.flatMap((model) =>
    generateCluster(model).files.filter((file) => file.path.endsWith('kubeadm.yaml')),
  );
}

/** A generated file with one document changed, serialized again. */
function broken(content: string, kind: string, change: (document: Doc) => void): string {
  const documents = parseAllDocuments(content).map((document) => document.toJS() as Doc);
  const target = documents.find((document) => document.kind === kind);
  if (!target) throw new Error(`no ${kind}`);
  change(target);
  return documents.map((document) => stringify(document)).join('---\n');
}

for (const [api, version] of [
  ['v1beta4', undefined],
  ['v1beta3', '1.30.6'],
] as const) {
  describe(`kubeadm ${api} schema`, async () => {
    const files = await kubeadmFiles(version);
    const init = files.find((file) => file.content.includes('kind: InitConfiguration'))!.content;
    const worker = files.find((file) => file.path === 'nodes/node01/kubeadm.yaml')!.content;
    const controlPlane = files.find((file) => file.path === 'nodes/master02/kubeadm.yaml')!.content;

    it('accepts every generated kubeadm.yaml of both examples, placeholders filled', () => {
      // 7 nodes of keio-2019, 8 of global-hub.
      expect(files).toHaveLength(15);
      for (const file of files) {
        expect(file.content).toContain(`apiVersion: kubeadm.k8s.io/${api}`);
        expect(validateKubeadmFile(file.content), file.path).toEqual([]);
      }
    });

    it('rejects InitConfiguration with kubeletExtraArgs in the other API version form', () => {
      const text = broken(init, 'InitConfiguration', (document) => {
        const args = document.nodeRegistration.kubeletExtraArgs;
        document.nodeRegistration.kubeletExtraArgs = Array.isArray(args)
          ? Object.fromEntries(args.map((arg: Doc) => [arg.name, arg.value]))
          : Object.entries(args).map(([name, value]) => ({ name, value }));
      });
      expect(validateKubeadmFile(text)).toContainEqual(
        expect.objectContaining({ kind: 'InitConfiguration', path: '/nodeRegistration/kubeletExtraArgs' }),
      );
    });

    it('rejects a bootstrap token, a CA hash and a certificate key of the wrong shape', () => {
      const secrets = {
        'kubeadm/bootstrap-token': 'ABCDEF.0123456789abcdef',
        'kubeadm/ca-cert-hash': `sha1:${'a'.repeat(40)}`,
        'kubeadm/certificate-key': 'not-hex',
      };
      const paths = [
        ...validateKubeadmFile(init, secrets),
        ...validateKubeadmFile(controlPlane, secrets),
      ].map((problem) => `${problem.kind} ${problem.path}`);
      expect(paths).toEqual(
        expect.arrayContaining([
          'InitConfiguration /bootstrapTokens/0/token',
          'InitConfiguration /certificateKey',
          'JoinConfiguration /discovery/bootstrapToken/token',
          'JoinConfiguration /discovery/bootstrapToken/caCertHashes/0',
          'JoinConfiguration /controlPlane/certificateKey',
        ]),
      );
    });

    it('rejects ClusterConfiguration with a field of the other API version and a pod subnet that is no CIDR', () => {
      const text = broken(init, 'ClusterConfiguration', (document) => {
        if (api === 'v1beta4') document.apiServer.timeoutForControlPlane = '4m0s';
        else document.encryptionAlgorithm = 'ECDSA-P256';
        document.networking.podSubnet = '10.44.0.0';
      });
      const problems = validateKubeadmFile(text);
      expect(problems).toContainEqual(
        expect.objectContaining({ kind: 'ClusterConfiguration', path: '/networking/podSubnet' }),
      );
      expect(problems).toContainEqual(
        expect.objectContaining({
          kind: 'ClusterConfiguration',
          message:
            api === 'v1beta4'
              ? 'unknown field "timeoutForControlPlane"'
              : 'unknown field "encryptionAlgorithm"',
        }),
      );
    });

    it('rejects JoinConfiguration without discovery, and token discovery without CA pinning', () => {
      const missing = broken(worker, 'JoinConfiguration', (document) => {
        delete document.discovery;
      });
      expect(validateKubeadmFile(missing)).toContainEqual(
        expect.objectContaining({
          kind: 'JoinConfiguration',
          path: '',
          message: "must have required property 'discovery'",
        }),
      );
      const unpinned = broken(worker, 'JoinConfiguration', (document) => {
        delete document.discovery.bootstrapToken.caCertHashes;
      });
      expect(validateKubeadmFile(unpinned)).toContainEqual(
        expect.objectContaining({ kind: 'JoinConfiguration', path: '/discovery/bootstrapToken' }),
      );
    });

    it('rejects KubeletConfiguration and KubeProxyConfiguration with values the components do not know', () => {
      const kubelet = broken(init, 'KubeletConfiguration', (document) => {
        document.cgroupDriver = 'systemd-cgroups';
      });
      expect(validateKubeadmFile(kubelet)).toContainEqual(
        expect.objectContaining({ kind: 'KubeletConfiguration', path: '/cgroupDriver' }),
      );
      const proxy = broken(init, 'KubeProxyConfiguration', (document) => {
        document.mode = 'userspace';
      });
      expect(validateKubeadmFile(proxy)).toContainEqual(
        expect.objectContaining({ kind: 'KubeProxyConfiguration', path: '/mode' }),
      );
    });
  });
}

describe('validateKubeadmFile', () => {
  it('reports a placeholder it has no value for, as apply would refuse to upload it', async () => {
    const [file] = await kubeadmFiles();
    const { 'kubeadm/certificate-key': _, ...partial } = DUMMY_SECRETS;
    expect(validateKubeadmFile(file!.content, partial)).toContainEqual(
      expect.objectContaining({ message: 'no value for @secret:kubeadm/certificate-key@' }),
    );
  });
});
