// Linux routers (router.os === 'linux'): OpenVPN per tunnel, nftables, forwarding, systemd
// units and LAN addressing, under routers/<router>/. Pure: Model (+ public certificates) -> files.
import {
  collectFiles,
  type FileSet,
  type FileStream,
  type GeneratedFile,
  generatedHeader,
  type Model,
  type ModelSite,
  type TunnelEnd,
} from '@geostage/schema';
import { type PublicMaterial, secretNames, secretPlaceholder } from '@geostage/secrets';
import { emulationsOf } from '../emulation.ts';
import { routerTunnels } from '../router-tunnels.ts';
import { emulationDropIn } from './emulation.ts';
import { renderNetworkd, vlanInterface } from './networkd.ts';
import { renderNftables } from './nftables.ts';
import { renderOpenvpn } from './openvpn.ts';
import { CA_CERTIFICATE_FILE, certificateFile, OPENVPN_DIR, privateKeyFile, staticKeyFile } from './paths.ts';
import { render } from './templates.ts';

export { linuxDevicePath, OPENVPN_DIR } from './paths.ts';
export { openvpnQuote } from './templates.ts';

const PUBLIC = 0o644;
const PRIVATE = 0o600;
const MAX_INTERFACE_NAME = 15;

const withNewline = (text: string) => (text.endsWith('\n') ? text : `${text}\n`);

// One piece (over 80 lines): the list of one router's files, in the order they are installed;
// each entry is a few lines of data handed to its own renderer.
function routerFiles(
  model: Model,
  site: ModelSite,
  material: PublicMaterial | undefined,
  warnings: string[],
): FileSet {
  const router = site.router;
  const base = `routers/${router.name}/`;
  const header = generatedHeader(model.source);
  const files: FileSet = [];
  const ends: TunnelEnd[] = [];
  for (const { tunnel, local } of routerTunnels(model, router.name)) {
    ends.push(local);
    const { file, content } = renderOpenvpn(model, router, tunnel);
    files.push({ path: `${base}openvpn/${file}`, content, mode: PUBLIC });
    if (model.vpn.authentication === 'static-key') {
      // The key file itself is a placeholder: apply fills it from secrets/ on upload.
      files.push({
        path: `${base}openvpn/${staticKeyFile(tunnel.name)}`,
        content: `${secretPlaceholder(secretNames.staticKey(tunnel.name))}\n`,
        mode: PRIVATE,
      });
    }
  }
  if (ends.length === 0)
    warnings.push(`${router.name}: no tunnel ends on this router; it only routes its own LANs`);

  if (model.vpn.authentication === 'tls' && ends.length > 0) {
    files.push({
      path: `${base}openvpn/${privateKeyFile(router.name)}`,
      content: `${secretPlaceholder(secretNames.routerKey(router.name))}\n`,
      mode: PRIVATE,
    });
    const ca = material?.caCertificate ?? null;
    const certificate = material?.routers[router.name]?.certificate ?? null;
    if (ca)
      files.push({ path: `${base}openvpn/${CA_CERTIFICATE_FILE}`, content: withNewline(ca), mode: PUBLIC });
    if (certificate) {
      files.push({
        path: `${base}openvpn/${certificateFile(router.name)}`,
        content: withNewline(certificate),
        mode: PUBLIC,
      });
    }
    if (!ca || !certificate) {
      warnings.push(
        `${router.name}: no ${!ca ? 'CA certificate' : 'router certificate'} in environments/${model.name}/public/; ` +
          `run \`geostage secrets init ${model.name}\` and generate again, or the tunnels will not start`,
      );
    }
  }

  files.push({ path: `${base}nftables.conf`, content: renderNftables(model, router, ends), mode: PUBLIC });
  files.push({
    path: `${base}sysctl.conf`,
    content: render('sysctl.conf', { header, router: router.name }),
    mode: PUBLIC,
  });
  if (ends.length > 0) {
    files.push({
      path: `${base}systemd/openvpn-geostage@.service`,
      content: render('openvpn-unit.service', { header, directory: OPENVPN_DIR }),
      mode: PUBLIC,
    });
    files.push({
      path: `${base}systemd/geostage-tunnels.target`,
      content: render('tunnels.target', {
        header,
        router: router.name,
        units: ends.map((end) => `openvpn-geostage@${end.interface}.service`).sort(),
      }),
      mode: PUBLIC,
    });
    for (const emulation of emulationsOf(model, router.name)) {
      const dropIn = emulationDropIn(model, emulation);
      files.push({ path: base + dropIn.path, content: dropIn.content, mode: PUBLIC });
    }
  }
  for (const file of renderNetworkd(model, site))
    files.push({ ...file, path: base + file.path, mode: PUBLIC });

  for (const segment of site.segments) {
    if (segment.tagged && vlanInterface(segment).length > MAX_INTERFACE_NAME) {
      warnings.push(
        `${router.name}: VLAN interface name ${vlanInterface(segment)} is longer than ${MAX_INTERFACE_NAME} characters; Linux will refuse it`,
      );
    }
  }
  return files;
}

/** Every Linux router of the model; paths relative to generated/network/, sorted. */
export function generateLinuxRouters(
  model: Model,
  material?: PublicMaterial,
): { files: FileSet; warnings: string[] } {
  return collectFiles(linuxRouterFiles(model, material));
}

/** The Linux routers' files one router at a time (FileStream). */
export function linuxRouterFiles(model: Model, material?: PublicMaterial): FileStream {
  const warnings: string[] = [];
  function* files(): Generator<GeneratedFile> {
    let any = false;
    for (const site of model.sites) {
      if (site.router.os !== 'linux') continue;
      const made = routerFiles(model, site, material, warnings);
      any ||= made.length > 0;
      yield* made;
    }
    if (any && model.vpn.authentication === 'static-key') {
      warnings.push(
        'static-key tunnels on Linux routers: OpenVPN 2.6 deprecates static keys and later releases drop them; prefer tls where every router supports it',
      );
    }
  }
  return { files: files(), warnings };
}

/** The Debian release a router runs when it runs the Linux rendering of another OS's entry. */
export const LINUX_RENDERING_RELEASE = 'debian-12';

/**
 * The Model with these routers (every router when left out) rendered as Linux routers: only the
 * router OS changes; addresses, tunnels, routes, keys and ciphers stay the Model's. The lab runs
 * every router so (VyOS cannot run in a namespace), and an inventory's `platform: linux` asks it
 * of one router (a booted lab machine standing in for a VyOS router).
 */
export function linuxRendering(
  model: Model,
  routers?: ReadonlySet<string>,
): { model: Model; converted: { router: string; was: string }[] } {
  const converted: { router: string; was: string }[] = [];
  const sites = model.sites.map((site) => {
    if (site.router.os === 'linux' || (routers && !routers.has(site.router.name))) return site;
    converted.push({ router: site.router.name, was: `${site.router.os} ${site.router.release}` });
    return { ...site, router: { ...site.router, os: 'linux' as const, release: LINUX_RENDERING_RELEASE } };
  });
  return { model: { ...model, sites }, converted };
}
