// The command lines the wiring is made of, each aimed into one namespace of the lab: `ip -n`,
// `ip netns exec`, and a veth pair made inside one namespace with its peer moved straight into
// another, so nothing is ever created on the host.

export const ip = (namespace: string, ...args: (string | number)[]) => [
  'ip',
  '-n',
  namespace,
  ...args.map(String),
];

export const inside = (namespace: string, ...args: string[]) => ['ip', 'netns', 'exec', namespace, ...args];

/** A veth pair made inside namespace `a`, its peer moved straight into `b`: nothing on the host. */
export function veth(a: string, nameA: string, b: string, nameB: string, mtu: number): string[][] {
  return [
    ip(a, 'link', 'add', nameA, 'mtu', mtu, 'type', 'veth', 'peer', 'name', nameB, 'mtu', mtu, 'netns', b),
    ip(a, 'link', 'set', nameA, 'up'),
    ip(b, 'link', 'set', nameB, 'up'),
  ];
}

/** The length of a prefix written as address/length. */
export const lengthOf = (prefix: string) => prefix.split('/')[1]!;
