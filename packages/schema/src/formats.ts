// The formats of free-text topology values, each the rule of the tool that consumes the value
// (Kubernetes' apimachinery validation, the distribution reference grammar, the kernel's
// interface names), with what it means and advice for a value that breaks it.

export interface Format {
  /** A JSON Schema pattern (ECMAScript, unicode mode). */
  pattern: string;
  /** What a matching value is, after "is not": "a lower-case DNS label: ...". */
  meaning: string;
  /** Advice for a value that does not match; may look at the value for its likely mistake. */
  advise(value: string): string;
}

const LABEL = '[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?';

/** Advice shared by the DNS-like formats: name the mistake and offer the nearest valid name. */
function dnsAdvice(value: string, example: string, allowDots: boolean): string {
  const mistakes = [
    /\s/.test(value) && 'spaces',
    /[A-Z]/.test(value) && 'upper case',
    value.includes('_') && '"_"',
    !allowDots && value.includes('.') && '"."',
  ].filter((mistake): mistake is string => Boolean(mistake));
  const invalid = allowDots ? /[^a-z0-9.]+/g : /[^a-z0-9]+/g;
  const nearest = value
    .toLowerCase()
    .replace(invalid, '-')
    .split('.')
    .map((label) => label.replace(/^-+|-+$/g, '').slice(0, 63))
    .join('.');
  const offer = new RegExp(allowDots ? `^${LABEL}(\\.${LABEL})*$` : `^${LABEL}$`).test(nearest)
    ? JSON.stringify(nearest)
    : example;
  const what = allowDots ? 'a DNS name' : 'a DNS label';
  if (mistakes.length > 0) return `${what} has no ${mistakes.join(' or ')}: write ${offer}`;
  return `start and end with a letter or digit, use only lower-case letters, digits and "-": write ${offer}`;
}

export const FORMATS = {
  dnsLabel: {
    pattern: `^${LABEL}$`,
    meaning: 'a lower-case DNS label: letters, digits and inner hyphens, at most 63 characters',
    advise: (value) =>
      value.length > 63 ? 'shorten it to 63 characters' : dnsAdvice(value, 'site-1', false),
  },
  applicationName: {
    pattern: '^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$',
    meaning:
      'a lower-case DNS label that starts with a letter: letters, digits and inner hyphens, at most 63 characters',
    advise: (value) =>
      /^[0-9]/.test(value)
        ? `start with a letter (a Service name must), e.g. ${JSON.stringify(`app-${value}`)}`
        : value.length > 63
          ? 'shorten it to 63 characters'
          : dnsAdvice(value, 'ledger', false),
  },
  dnsSubdomain: {
    pattern: `^(?=.{1,253}$)${LABEL}(\\.${LABEL})*$`,
    meaning: 'a lower-case DNS name: labels of letters, digits and inner hyphens joined by "."',
    advise: (value) =>
      value.length > 253
        ? 'shorten it to 253 characters'
        : value.endsWith('.')
          ? `drop the final dot: ${JSON.stringify(value.slice(0, -1))}`
          : /\.\./.test(value)
            ? 'remove the empty label between two dots'
            : /[a-z0-9-]{64}/.test(value)
              ? 'shorten each label between dots to 63 characters'
              : dnsAdvice(value, 'k8s.example.org', true),
  },
  labelValue: {
    pattern: '^(?=.{0,63}$)(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$',
    meaning:
      'a Kubernetes label value: letters, digits, "-", "_" and ".", starting and ending with a letter or digit, at most 63 characters',
    advise: (value) =>
      value.length > 63
        ? 'shorten it to 63 characters: Kubernetes label values are limited to 63'
        : /\s/.test(value)
          ? `use "-" instead of spaces: ${JSON.stringify(value.trim().replace(/\s+/g, '-'))}`
          : 'use letters, digits, "-", "_" and ".", e.g. europe-west',
  },
  quantity: {
    pattern: '^\\+?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([KMGTPE]i|[numkMGTPE]|[eE][+-]?[0-9]{1,3})?$',
    meaning: 'a Kubernetes quantity (a number with an optional unit)',
    advise: (value) =>
      value.startsWith('-')
        ? 'a request cannot be negative'
        : /^[0-9.]+\s+\S/.test(value)
          ? `remove the space: ${JSON.stringify(value.replace(/\s+/g, ''))}`
          : /^[0-9.]+(mb|mib|gb|gib|kb|kib)$/i.test(value)
            ? 'write binary units as Ki, Mi, Gi (128Mi), decimal ones as k, M, G (128M)'
            : 'write a number with an optional unit: CPU 250m, 0.5 or 2; memory 128Mi, 1Gi or 512M',
  },
  imageReference: {
    // The distribution reference grammar (github.com/distribution/reference, regexp.go):
    // [host[:port]/]path-component[/path-component...][:tag][@digest].
    pattern: String.raw`^(((?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*|\[[a-fA-F0-9:]+\])(:[0-9]+)?/)?[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@[A-Za-z][A-Za-z0-9]*([-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$`,
    meaning: 'an image reference such as nginx:1.27 or registry.example.org/team/app:2.1',
    advise: (value) =>
      /\s/.test(value)
        ? 'remove the spaces'
        : /[A-Z]/.test(value.split(/[:@]/)[0]!.split('/').slice(-1)[0]!)
          ? 'use lower case in the repository name (the part before ":")'
          : value.includes('://')
            ? 'drop the scheme: write registry.example.org/app:1.0, not https://...'
            : 'write [registry/]repository[:tag][@sha256:digest], e.g. nginx:1.27',
  },
  portName: {
    pattern: '^(?=.{1,15}$)(?=.*[a-z])(?!.*--)[a-z0-9]([a-z0-9-]*[a-z0-9])?$',
    meaning:
      'a port name: lower-case letters, digits and inner hyphens, at most 15 characters, with a letter and no "--"',
    advise: (value) =>
      value.length > 15
        ? 'shorten it to 15 characters: Kubernetes port names are IANA service names'
        : /^[0-9-]+$/.test(value)
          ? `add a letter: a port name of digits alone is read as a number, e.g. ${JSON.stringify(`p${value}`)}`
          : value.includes('--')
            ? 'use single hyphens'
            : dnsAdvice(value, 'rpc', false),
  },
  interfaceName: {
    pattern: '^[A-Za-z][A-Za-z0-9._-]{0,14}$',
    meaning: 'an interface name: a letter, then letters, digits, ".", "_" or "-", at most 15 characters',
    advise: (value) =>
      value.length > 15
        ? 'shorten it to 15 characters: the kernel limit for interface names'
        : 'write the name as `ip link` shows it, e.g. eth0, ens160 or enp1s0',
  },
  kubernetesVersion: {
    pattern: '^1\\.[0-9]+\\.[0-9]+$',
    meaning: 'a Kubernetes version such as 1.32.4',
    advise: (value) =>
      /^v/.test(value)
        ? `drop the "v": ${JSON.stringify(value.slice(1))}`
        : /^1\.[0-9]+$/.test(value)
          ? `add the patch release, e.g. "${value}.0"`
          : 'write major.minor.patch, e.g. 1.32.4',
  },
  argument: {
    pattern: '^[^\\x00]*$',
    meaning: 'a command-line argument (a NUL byte cannot be passed to a program)',
    advise: () => 'remove the NUL character',
  },
  peerArgument: {
    // One line: gen-kubeadm also quotes it in the comment above each application's manifests.
    pattern: '^[^\\x00-\\x1f\\x7f]*$',
    meaning: 'a one-line argument (no line breaks, tabs or other control characters)',
    advise: (value) =>
      /[\r\n]/.test(value)
        ? 'write the argument on one line: it is added once per peer'
        : 'remove the control characters',
  },
} satisfies Record<string, Format>;

const BY_PATTERN = new Map<string, Format>(Object.values(FORMATS).map((format) => [format.pattern, format]));

/** The named format a JSON Schema pattern stands for, if it is one of ours. */
export function formatOfPattern(pattern: string): Format | undefined {
  return BY_PATTERN.get(pattern);
}
