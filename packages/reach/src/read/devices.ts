// Which parser reads which generated file: the layout of generated/network is the contract
// (routers/<router>/config.set for VyOS, routers/<router>/... for Linux routers,
// servers/<server>/netplan.yaml).
import type { Device, Warning } from '../device.ts';
import { parseLinuxRouter } from './linux.ts';
import { parseNetplan } from './netplan.ts';
import { parseVyos } from './vyos/vyos.ts';

/** Files next to a VyOS config.set that say nothing config.set does not. */
const VYOS_COMPANIONS = /^(config\.boot|README\.md|[^/]+\.sh)$/;

/**
 * Every device of the files. `afterServers`, when given, sees the servers before any router is
 * parsed (routers are most of the work: a hub of 10,000 tunnels), and may throw to stop there.
 */
export function parseDevices(
  files: ReadonlyMap<string, string>,
  afterServers?: (servers: readonly Device[]) => void,
): { devices: Device[]; warnings: Warning[] } {
  const devices: Device[] = [];
  const warnings: Warning[] = [];
  const routerFiles = new Map<string, Map<string, string>>();
  for (const path of [...files.keys()].sort()) {
    const text = files.get(path)!;
    const parts = path.split('/');
    if (parts[0] === 'routers' && parts.length >= 3) {
      const router = parts[1]!;
      let group = routerFiles.get(router);
      if (!group) {
        group = new Map();
        routerFiles.set(router, group);
      }
      group.set(path, text);
    } else if (parts[0] === 'servers' && parts.length === 3 && parts[2] === 'netplan.yaml') {
      const result = parseNetplan(parts[1]!, 'server', path, text);
      devices.push(result.device);
      warnings.push(...result.warnings);
    } else if (parts[parts.length - 1] === 'index.json' || path === 'README.md') {
      // The writer's index of the folder, and documentation.
    } else {
      warnings.push({ file: path, line: 0, message: 'file not modelled' });
    }
  }
  afterServers?.(devices);
  for (const [router, group] of routerFiles) {
    const setPath = `routers/${router}/config.set`;
    const script = group.get(setPath);
    if (script === undefined) {
      const result = parseLinuxRouter(router, group);
      devices.push(result.device);
      warnings.push(...result.warnings);
      continue;
    }
    const result = parseVyos(router, setPath, script);
    devices.push(result.device);
    warnings.push(...result.warnings);
    for (const path of group.keys()) {
      if (path === setPath) continue;
      if (!VYOS_COMPANIONS.test(path.slice(`routers/${router}/`.length))) {
        warnings.push({ file: path, line: 0, message: 'file not modelled' });
      }
    }
  }
  devices.sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
  return { devices, warnings };
}
