// @geostage/lab: an environment on this machine, in network namespaces, with real OpenVPN and
// sshd (DESIGN.md, "Executing"). Builds it (up), inspects it (status), removes it (down), and
// publishes what it built (inventory) for apply and measure.

// Real-tool tests ask the lab whether it can run here.
export { namespaceSupport } from '@geostage/transport';
export { type LabAccess, type LabSshd, planAccess, SSH_USER, sshdConfig } from './access.ts';
export * from './apps.ts';
export {
  appliedSource,
  applyRepairs,
  type LabSource,
  readLabSource,
  type SourceChange,
  sourceChanges,
  staleMessage,
} from './digest.ts';
export { type LabDownOptions, type LabDownResult, labDown } from './down.ts';
export {
  changeFaults,
  FAULT_TABLE,
  type FaultContext,
  type FaultRecord,
  NO_FAULTS,
  partitionRuleset,
  readFaultRecord,
  stoppedEnds,
  undoFaults,
  unionOfFaults,
} from './faults.ts';
export { type Converted, LAB_ROUTER_RELEASE, linuxFlavour } from './flavour.ts';
export {
  type InventoryFailure,
  type InventoryRouter,
  type InventorySsh,
  type InventoryTunnel,
  type LabInventory,
  labInventory,
  readInventory,
} from './inventory.ts';
export { type LabLock, type LabLockHolder, lockLab, lockPath } from './lock.ts';
export {
  cgroupsByPrefix,
  isMachineProcess,
  type LabMachine,
  type MachineProbe,
  machineInit,
  machineName,
  nspawnArguments,
  planMachines,
  sshBanner,
} from './machines/booted.ts';
export {
  ensureImage,
  IMAGE_PACKAGES,
  type ImageResult,
  imageDigest,
  imagePath,
  imageReady,
} from './machines/image.ts';
export {
  INVENTORY_FILE,
  type InventoryDocument,
  KNOWN_HOSTS_FILE,
  machinesInventory,
  renderMachinesInventory,
} from './machines/inventory.ts';
export { labPrefix, MAX_INTERFACE_NAME, type NamespaceRole, namespaceName } from './names.ts';
export { isLabProcess } from './processes.ts';
export { type RepairResult, repairLab } from './repair.ts';
export { hostKeyLine, makeSshFiles, startSshd } from './sshd.ts';
export {
  LAB_FOLDER,
  type LabProcess,
  type LabSshAccess,
  type LabState,
  labFolder,
  loadState,
  readState,
  type StateRead,
  writeState,
} from './state.ts';
export {
  type LabHealth,
  labHealth,
  type MachineStatus,
  type TunnelConfig,
  type TunnelStatus,
  tunnelConfig,
} from './status.ts';
export { hostInterfaces, wiringFor } from './testing.ts';
export { type LabUpOptions, type LabUpResult, labUp } from './up.ts';
export {
  type Impairment,
  isImpaired,
  NO_IMPAIRMENT,
  type WanEndpoint,
  type WanLink,
} from './wan/impairment.ts';
export {
  type LabWanState,
  labWanWiring,
  setWanLink,
  type WanWireState,
  wanLinks,
  wanProblems,
  wantsEmulation,
  zeroWan,
} from './wan/lab.ts';
export type { WanMechanism } from './wan/wiring.ts';
export {
  type LabFile,
  type LabNamespace,
  type LabRouter,
  type LabServer,
  type LabTunnelProcess,
  labInstalledFile,
  labWiring,
  NAT_SSH_PORT,
  natRuleset,
  type Provision,
  routerRoot,
  type Wiring,
  type WiringGroup,
  type WiringInput,
} from './wiring/wiring.ts';
