// cni/<name>.yaml: the chosen CNI's settings, with the MTU reasoning on top.
import { type GeneratedFile, generatedHeader, type Model, type ModelKubernetes } from '@geostage/schema';
import { yamlDocuments } from '../yaml-documents.ts';
import { calicoInstallation } from './calico.ts';
import { flannelConfigMap } from './flannel.ts';

const HOW_TO_APPLY = {
  calico: 'Apply after the tigera-operator manifest; the operator turns this Installation into Calico.',
  flannel:
    'Replaces the kube-flannel-cfg ConfigMap of the upstream kube-flannel.yml; apply it after that manifest.',
} as const;

export interface CniPlan {
  file: GeneratedFile;
  warnings: string[];
}

export function cniFile(model: Model, kubernetes: ModelKubernetes): CniPlan {
  const { name, encapsulation } = kubernetes.cni;
  const document = name === 'calico' ? calicoInstallation(kubernetes) : flannelConfigMap(kubernetes);
  const comments = [
    generatedHeader(model.source, '#'),
    HOW_TO_APPLY[name],
    `Pod MTU ${kubernetes.cni.mtu}, from the path every pod packet between sites takes:`,
    ...model.mtu.explanation.map((line) => `  ${line}`),
  ];
  const segments = new Set(model.servers.map((server) => `${server.site}/${server.segment}`));
  const warnings =
    encapsulation === 'none' && segments.size > 1
      ? [
          `${name} without encapsulation routes pod traffic straight to the other node's address, which works only ` +
            'between nodes of one layer-2 segment; nodes here sit on several segments behind routers that do not know ' +
            'the pod prefixes, so pods on different segments will not reach each other: choose vxlan or ipip',
        ]
      : [];
  return {
    file: { path: `cni/${name}.yaml`, content: yamlDocuments(comments, [document]), mode: 0o644 },
    warnings,
  };
}
