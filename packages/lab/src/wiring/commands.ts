// The command lines the wiring is made of, each aimed into one namespace of the lab: `ip -n`,
// `ip netns exec`, and a veth pair made inside one namespace with its peer moved straight into
// another, so nothing is ever created on the host.
import { createHash } from 'node:crypto';

export const ip = (namespace: string, ...args: (string | number)[]) => [
  'ip',
  '-n',
  namespace,
  ...args.map(String),
];

export const inside = (namespace: string, ...args: string[]) => ['ip', 'netns', 'exec', namespace, ...args];

/**
 * The MAC address of an interface the wiring names a neighbour by: locally administered (02:),
 * from the namespace and interface, so the wiring knows it before the interface exists.
 */
export function macOf(namespace: string, name: string): string {
  const bytes = createHash('sha256').update(`${namespace}/${name}`).digest().subarray(0, 5);
  return ['02', ...[...bytes].map((byte) => byte.toString(16).padStart(2, '0'))].join(':');
}

/**
 * A veth pair made inside namespace `a`, its peer moved straight into `b`: nothing on the host.
 * `macA`: the address of `a`'s end, when the wiring names it as a neighbour.
 */
export function veth(
  a: string,
  nameA: string,
  b: string,
  nameB: string,
  mtu: number,
  macA?: string,
): string[][] {
  return [
    ip(
      a,
      'link',
      'add',
      nameA,
      ...(macA ? ['address', macA] : []),
      'mtu',
      mtu,
      'type',
      'veth',
      'peer',
      'name',
      nameB,
      'mtu',
      mtu,
      'netns',
      b,
    ),
    ip(a, 'link', 'set', nameA, 'up'),
    ip(b, 'link', 'set', nameB, 'up'),
  ];
}

/** The length of a prefix written as address/length. */
export const lengthOf = (prefix: string) => prefix.split('/')[1]!;
