// gen-vyos, VyOS part: Model -> routers/<router>/config.set and config.boot for every router
// that runs VyOS, in the syntax of its release line.
import {
  collectFiles,
  type FileSet,
  type FileStream,
  type GeneratedFile,
  type Model,
} from '@geostage/schema';
import { NO_MATERIAL, type PublicMaterial } from '@geostage/secrets';
import { vyosRouter } from './router.ts';
import { isVyosLine, VYOS_LINES } from './versions.ts';

export { type SetCommand, setLine, words } from './command.ts';
export { PUBLIC_PLACEHOLDER, publicPlaceholder } from './pki.ts';
export { quote, splitWords } from './quoting.ts';
export { vyosSections } from './router.ts';
export { isVyosLine, VYOS_LINES, type VyosLine } from './versions.ts';

export function generateVyos(
  model: Model,
  material: PublicMaterial = NO_MATERIAL,
): { files: FileSet; warnings: string[] } {
  return collectFiles(vyosFiles(model, material));
}

/** The VyOS routers' files one router at a time (FileStream). */
export function vyosFiles(model: Model, material: PublicMaterial = NO_MATERIAL): FileStream {
  const warnings: string[] = [];
  function* files(): Generator<GeneratedFile> {
    for (const site of model.sites) {
      const router = site.router;
      if (router.os !== 'vyos') continue;
      if (!isVyosLine(router.release)) {
        warnings.push(
          `router ${router.name}: VyOS ${router.release} is not a release line gen-vyos writes (${VYOS_LINES.join(', ')}); skipped`,
        );
        continue;
      }
      const output = vyosRouter(model, site, router.release, material);
      warnings.push(...output.warnings);
      yield* output.files;
    }
  }
  return { files: files(), warnings };
}
