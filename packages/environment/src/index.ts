// @geostage/environment: the environments/<env>/ folder: paths, loading, generators, writer,
// reading generated folders back, and the formats of results/.
export { listFiles, readGeneratedFolder } from './generated.ts';
export {
  GENERATORS,
  type GeneratedOutput,
  type Generator,
  type GeneratorSelection,
  generateEnvironment,
  generateInPlace,
  type RegenerateResult,
  regenerateFolder,
  selectGenerators,
} from './generators.ts';
export { type HostInventory, type InventoryRead, readHostInventory, renderInventory } from './inventory.ts';
export {
  describeEnvironmentError,
  type EnvironmentError,
  type LoadedEnvironment,
  loadEnvironment,
  loadTopologyOf,
  type Selection,
  selectEnvironments,
} from './load.ts';
export {
  ENVIRONMENTS_FOLDER,
  type EnvironmentPaths,
  environmentPaths,
  environmentsIn,
  findRepositoryRoot,
  GENERATED_KINDS,
  type GeneratedKind,
  LAB_FOLDER,
  listEnvironments,
  repositoryEnvironment,
  TOPOLOGY_FILE,
} from './paths.ts';
export {
  type MeasuredMatrix,
  type MeasuredPair,
  type MeasuredReachability,
  parseScenarioResults,
  parseVerify,
  parseWanResults,
  type ScenarioPairResult,
  type ScenarioPhaseResult,
  type ScenarioResults,
  type VerifyResults,
  type VerifySample,
  type WanResults,
  type WanSitePair,
  writeResults,
  writeScenarioResults,
  writeWanResults,
} from './results.ts';
export {
  listScenarios,
  loadScenarioOf,
  SCENARIO_EXTENSION,
  scenarioFile,
  scenarioResultsFile,
} from './scenarios.ts';
export { checkFileSet, type Drift, type WriteOptions, type WriteResult, writeFileSet } from './writer.ts';
