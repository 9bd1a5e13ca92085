// gen-vyos: Model -> the network part of an environment's generated files
// (environments/<env>/generated/network/): router configurations (VyOS per release line,
// plain Linux with OpenVPN) and netplan for every server.
import { type FileSet, type Model, sortFileSet } from '@geostage/schema';
import { NO_MATERIAL, type PublicMaterial } from '@geostage/secrets';
import { generateLinuxRouters } from './linux/index.ts';
import { generateNetplan } from './netplan/index.ts';
import { generateVyos } from './vyos/index.ts';

export {
  generateLinuxRouters,
  LINUX_RENDERING_RELEASE,
  linuxDevicePath,
  linuxRendering,
  OPENVPN_DIR,
} from './linux/index.ts';
export { generateNetplan } from './netplan/index.ts';
export * as vyos from './vyos/index.ts';
export { generateVyos } from './vyos/index.ts';

/** Every network file of an environment, paths relative to generated/network/, sorted. */
export function generateNetwork(
  model: Model,
  material: PublicMaterial = NO_MATERIAL,
): { files: FileSet; warnings: string[] } {
  const vyos = generateVyos(model, material);
  const linux = generateLinuxRouters(model, material);
  const netplan = generateNetplan(model);
  return {
    files: sortFileSet([...vyos.files, ...linux.files, ...netplan]),
    warnings: [...vyos.warnings, ...linux.warnings],
  };
}
