// The CLI's side of @geostage/environment: the repository root and the chosen environments,
// with a mistake in either as a UsageError (exit code 2).
import {
  describeEnvironmentError,
  findRepositoryRoot,
  selectEnvironments as select,
} from '@geostage/environment';
import { UsageError } from './command.ts';

export { type LoadedEnvironment, loadEnvironment } from '@geostage/environment';

export function repositoryRoot(cwd: string): string {
  const root = findRepositoryRoot(cwd);
  if (!root) throw new UsageError('not inside a geostage repository (no nx.json above this folder)');
  return root;
}

/** The environments named, or every environment when none is named; unknown names are usage errors. */
export function selectEnvironments(root: string, names: readonly string[]): string[] {
  const selection = select(root, names);
  if (!selection.ok) throw new UsageError(describeEnvironmentError(selection));
  return selection.names;
}
