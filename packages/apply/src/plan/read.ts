// The planner's I/O edge: the generated folders as their index.json lists them, and the names
// (never the contents) of the files under secrets/ and public/.
import { environmentPaths, listFiles, readGeneratedFolder } from '@geostage/environment';
import type { Model } from '@geostage/schema';
import type { PlanInput } from './planner.ts';

/** Everything the planner reads for environments/<env>: generated files, secret names, public names. */
export async function readPlanInput(environmentFolder: string, model: Model): Promise<PlanInput> {
  const paths = environmentPaths(environmentFolder);
  const [network, cluster, secrets, publicFiles] = await Promise.all([
    readGeneratedFolder(paths.generated.network),
    readGeneratedFolder(paths.generated.cluster),
    listFiles(paths.secrets),
    listFiles(paths.public),
  ]);
  return { model, network, cluster, secrets, publicFiles };
}
