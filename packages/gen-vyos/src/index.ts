// gen-vyos: Model -> the network part of an environment's generated files
// (environments/<env>/generated/network/): router configurations (VyOS per release line,
// plain Linux with OpenVPN) and netplan for every server.
import {
  collectFiles,
  type FileSet,
  type FileStream,
  type GeneratedFile,
  type Model,
} from '@geostage/schema';
import { NO_MATERIAL, type PublicMaterial } from '@geostage/secrets';
import { linuxRouterFiles } from './linux/index.ts';
import { netplanFiles } from './netplan/index.ts';
import { vyosFiles } from './vyos/index.ts';

export {
  generateLinuxRouters,
  LINUX_RENDERING_RELEASE,
  linuxDevicePath,
  linuxRendering,
  linuxRouterFiles,
  OPENVPN_DIR,
} from './linux/index.ts';
export { generateNetplan, netplanFiles } from './netplan/index.ts';
export * as vyos from './vyos/index.ts';
export { generateVyos, vyosFiles } from './vyos/index.ts';

/** Every network file of an environment, paths relative to generated/network/, sorted. */
export function generateNetwork(
  model: Model,
  material: PublicMaterial = NO_MATERIAL,
): { files: FileSet; warnings: string[] } {
  return collectFiles(networkFiles(model, material));
}

/** The same files one router or server at a time, for the writer (FileStream). */
export function networkFiles(model: Model, material: PublicMaterial = NO_MATERIAL): FileStream {
  const vyos = vyosFiles(model, material);
  const linux = linuxRouterFiles(model, material);
  const warnings: string[] = [];
  function* files(): Generator<GeneratedFile> {
    yield* vyos.files;
    yield* linux.files;
    yield* netplanFiles(model);
    warnings.push(...vyos.warnings, ...linux.warnings);
  }
  return { files: files(), warnings };
}
