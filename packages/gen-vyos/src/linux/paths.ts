// Where each generated file of a Linux router goes on the device. The generated folder
// routers/<router>/ keeps short names; this one table maps them to the device, so apply, the
// lab and the README read the same answer.
/** The folder on the router that holds every OpenVPN file geostage installs. */
export const OPENVPN_DIR = '/etc/openvpn/geostage';

export function openvpnDevicePath(file: string): string {
  return `${OPENVPN_DIR}/${file}`;
}

export const CA_CERTIFICATE_FILE = 'ca.crt';
export const certificateFile = (router: string) => `${router}.crt`;
export const privateKeyFile = (router: string) => `${router}.key`;
export const staticKeyFile = (tunnel: string) => `${tunnel}.key`;

/** Generated path (relative to routers/<router>/) -> absolute path on the device. */
const PREFIXES: readonly [string, string][] = [
  ['openvpn/', `${OPENVPN_DIR}/`],
  ['systemd/', '/etc/systemd/system/'],
  ['network/', '/etc/systemd/network/'],
];
const FILES: Readonly<Record<string, string>> = {
  'nftables.conf': '/etc/nftables.conf',
  'sysctl.conf': '/etc/sysctl.d/90-geostage.conf',
};

/** The device path of a file generated under routers/<router>/, or null when geostage never installs it. */
export function linuxDevicePath(relative: string): string | null {
  const file = FILES[relative];
  if (file) return file;
  for (const [prefix, folder] of PREFIXES) {
    if (relative.startsWith(prefix)) return folder + relative.slice(prefix.length);
  }
  return null;
}
