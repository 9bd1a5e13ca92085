// Generates an environment's network and cluster folders in place, the way `geostage generate`
// does (through @geostage/environment's one pipeline), for the browser test and the benchmark
// when they build the site against a copy of environments/ (GEOSTAGE_ENVIRONMENTS_DIR).
import { regenerateFolder, repositoryEnvironment } from '@geostage/environment';
import { formatDiagnostic } from '@geostage/schema';

/** Writes <folder>/generated/{network,cluster}; returns the number of files written. */
export async function generateEnvironment(folder: string, name: string): Promise<number> {
  const result = await regenerateFolder(folder, repositoryEnvironment('', name).topology);
  if (!result.ok) throw new Error(result.diagnostics.map((d) => formatDiagnostic(d)).join('\n'));
  return result.files;
}
