// Helpers for tests of the lab and of what builds on it, in cdk8s's spirit (Testing.synth): the
// wiring of a topology without root, and the host's own interfaces, which a real-tool test
// compares before and after to show that the lab attached nothing to the host.
import { execFileSync } from 'node:child_process';
import { generateLinuxRouters, generateNetplan } from '@geostage/gen-vyos';
import type { Model } from '@geostage/schema';
import { linuxFlavour } from './flavour.ts';
import { labPrefix } from './names.ts';
import { labWiring, type Provision, type Wiring } from './wiring/wiring.ts';

/** The interface names in the host's own namespace, sorted (`ip -o link show`). */
export function hostInterfaces(): string[] {
  return execFileSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' })
    .split('\n')
    .map((line) => line.split(': ')[1]?.split('@')[0] ?? '')
    .filter((name) => name !== '')
    .sort();
}

/**
 * The wiring `lab up` would build for `model` (as the topology says; converted here) in the lab
 * folder `folder` (environments/<env>/.lab), with secrets left as placeholders. Throws on errors.
 */
export function wiringFor(
  model: Model,
  folder: string,
  provision: Provision = 'configured',
): { model: Model; wiring: Wiring } {
  const linux = linuxFlavour(model).model;
  const wired = labWiring({
    model: linux,
    files: [...generateLinuxRouters(linux).files, ...generateNetplan(model)],
    prefix: labPrefix(folder.replace(/\/\.lab$/, '')),
    folder,
    provision,
  });
  if (!wired.ok) throw new Error(wired.errors.join('\n'));
  return { model: linux, wiring: wired.wiring };
}
