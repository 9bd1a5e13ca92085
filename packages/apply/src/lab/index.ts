// The lab: an environment in network namespaces on this machine (DESIGN.md, "Executing").

export { type LabDownOptions, type LabDownResult, labDown } from './down.ts';
export { type Converted, LAB_ROUTER_RELEASE, linuxFlavour } from './flavour.ts';
export { labPrefix, MAX_INTERFACE_NAME, type NamespaceRole, namespaceName } from './names.ts';
export { inside, listNamespaces, Namespaces, namespaceSupport, run, waitFor } from './namespaces.ts';
export { readNetworkd } from './networkd.ts';
export {
  type LabFile,
  type LabInput,
  type LabNamespace,
  type LabPhase,
  type LabPlan,
  type LabRouter,
  type LabServer,
  type LabTunnelProcess,
  planLab,
} from './plan.ts';
export { isLabProcess } from './processes.ts';
export { LAB_FOLDER, type LabProcess, type LabState, labFolder, readState } from './state.ts';
export { type LabHealth, labHealth, type TunnelStatus } from './status.ts';
export { type LabUpOptions, type LabUpResult, labUp } from './up.ts';
export { type LabAccess, type LabSshd, planAccess, SSH_USER, sshdConfig } from './access.ts';
export { hostKeyBlob, makeSshFiles, startSshd } from './sshd.ts';
export type { LabSshAccess } from './state.ts';
