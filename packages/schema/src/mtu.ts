// The MTU budget: underlay MTU - OpenVPN overhead - CNI encapsulation = pod MTU.
// Overheads are worst cases per packet, so a full-size pod packet never fragments.
import type { Authentication, Cipher, MtuBudget, MtuStep } from './model.ts';

const OUTER: MtuStep[] = [
  { label: 'outer IPv4 header', bytes: 20 },
  { label: 'outer UDP header', bytes: 8 },
];

function isAead(cipher: Cipher): boolean {
  return cipher.endsWith('-gcm') || cipher === 'chacha20-poly1305';
}

/** OpenVPN data-channel overhead by authentication mode and cipher family. */
export function openvpnOverhead(authentication: Authentication, cipher: Cipher): MtuStep[] {
  if (authentication === 'tls' && isAead(cipher)) {
    return [
      ...OUTER,
      { label: 'OpenVPN opcode and peer id (P_DATA_V2)', bytes: 4 },
      { label: 'OpenVPN packet id', bytes: 4 },
      { label: `${cipher} authentication tag`, bytes: 16 },
    ];
  }
  const header: MtuStep[] =
    authentication === 'tls'
      ? [
          { label: 'OpenVPN opcode and peer id (P_DATA_V2)', bytes: 4 },
          { label: 'OpenVPN packet id', bytes: 4 },
        ]
      : [{ label: 'OpenVPN packet id with timestamp (static key)', bytes: 8 }];
  return [
    ...OUTER,
    ...header,
    { label: 'HMAC-SHA256', bytes: 32 },
    { label: `${cipher} IV`, bytes: 16 },
    { label: `${cipher} padding, worst case`, bytes: 16 },
  ];
}

export const ENCAPSULATION_OVERHEAD = { vxlan: 50, ipip: 20, none: 0 } as const;
export type Encapsulation = keyof typeof ENCAPSULATION_OVERHEAD;

function encapsulationSteps(encapsulation: Encapsulation): MtuStep[] {
  if (encapsulation === 'vxlan') {
    return [{ label: 'VXLAN (outer IPv4 20 + UDP 8 + VXLAN 8 + inner Ethernet 14)', bytes: 50 }];
  }
  if (encapsulation === 'ipip') return [{ label: 'IP-in-IP outer IPv4 header', bytes: 20 }];
  return [];
}

function sum(steps: readonly MtuStep[]): number {
  return steps.reduce((total, step) => total + step.bytes, 0);
}

export function mtuBudget(input: {
  underlay: number;
  authentication: Authentication;
  cipher: Cipher;
  encapsulation: Encapsulation;
  podOverride: number | null;
}): MtuBudget {
  const openvpn = openvpnOverhead(input.authentication, input.cipher);
  const tunnel = input.underlay - sum(openvpn);
  const encapsulation = encapsulationSteps(input.encapsulation);
  const computedPod = tunnel - sum(encapsulation);
  const pod = input.podOverride ?? computedPod;
  const mss = tunnel - 40;
  const explanation = [
    `underlay MTU ${input.underlay}`,
    ...openvpn.map((step) => `- ${step.bytes} ${step.label}`),
    `= tunnel MTU ${tunnel} (${input.authentication}, ${input.cipher})`,
    ...encapsulation.map((step) => `- ${step.bytes} ${step.label}`),
    `= pod MTU ${computedPod} (${input.encapsulation})`,
    ...(input.podOverride === null ? [] : [`pod MTU set to ${input.podOverride} by the topology`]),
    `TCP MSS through the tunnels clamped to ${mss} (tunnel MTU - 40)`,
  ];
  return {
    underlay: input.underlay,
    openvpn,
    tunnel,
    encapsulation,
    computedPod,
    pod,
    overridden: input.podOverride !== null,
    mss,
    explanation,
  };
}
