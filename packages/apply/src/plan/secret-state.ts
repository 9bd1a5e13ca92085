// Which secrets a step needs and whether they are there: present in environments/<env>/secrets/,
// produced by an earlier step of the plan (kubeadm init makes the CA cert hash), or missing,
// with the command that creates it.
import { join } from 'node:path';
import { repositoryEnvironment } from '@geostage/environment';
import { secretRecipe } from '@geostage/secrets';
import type { SecretState } from './plan.ts';

/** How to create a missing secret, by name, with its path as the repository shows it. */
export function secretHint(name: string, environment: string): string {
  return secretRecipe(name, environment, join(repositoryEnvironment('', environment).secrets, name));
}

export function secretStates(
  names: readonly string[],
  environment: string,
  present: ReadonlySet<string>,
  produced: ReadonlyMap<string, string>,
): SecretState[] {
  return [...new Set(names)].sort().map((name): SecretState => {
    if (present.has(name)) return { name, state: 'present' };
    const by = produced.get(name);
    if (by !== undefined) return { name, state: 'produced', by };
    return { name, state: 'missing', hint: secretHint(name, environment) };
  });
}
