// @geostage/environment: the environments/<env>/ folder: paths, loading, generators, writer,
// reading generated folders back, and the formats of results/.
export { listFiles, readGeneratedFolder } from './generated.ts';
export {
  GENERATORS,
  type GeneratedOutput,
  type Generator,
  type GeneratorSelection,
  generateEnvironment,
  type RegenerateResult,
  regenerateFolder,
  selectGenerators,
} from './generators.ts';
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
  parseVerify,
  parseWanResults,
  type VerifyResults,
  type WanResults,
  type WanSitePair,
  writeResults,
  writeWanResults,
} from './results.ts';
export { checkFileSet, type Drift, type WriteOptions, type WriteResult, writeFileSet } from './writer.ts';
