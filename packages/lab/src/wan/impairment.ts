// What the lab's WAN does to the packets of one site pair, one way: the values the Model
// resolved for a tunnel (delay, jitter, loss, rate), in the units the emulators take.

export interface Impairment {
  /** One-way delay, milliseconds. */
  delayMs: number;
  /** Random variation around the delay (uniform), milliseconds. */
  jitterMs: number;
  /** Packets lost, percent. */
  lossPercent: number;
  /** Bottleneck rate, Mbit/s; null for no limit. */
  rateMbps: number | null;
}

/** Where a tunnel's packets enter and leave the underlay: a router's WAN address, or its NAT's. */
export interface WanEndpoint {
  site: string;
  address: string;
}

/** One emulated wire of the lab's WAN: the underlay path of one tunnel, both directions. */
export interface WanLink {
  /** The tunnel it carries (a-b). */
  name: string;
  a: WanEndpoint;
  b: WanEndpoint;
  aToB: Impairment;
  bToA: Impairment;
}

export const NO_IMPAIRMENT: Impairment = { delayMs: 0, jitterMs: 0, lossPercent: 0, rateMbps: null };

export const isImpaired = (impairment: Impairment): boolean =>
  impairment.delayMs > 0 ||
  impairment.jitterMs > 0 ||
  impairment.lossPercent > 0 ||
  impairment.rateMbps !== null;

/**
 * The queue a rate-limited direction needs so that TCP can fill the pipe: twice the
 * bandwidth-delay product of the round trip, at least 128 KiB (a slow-start burst of a few
 * dozen full frames). A queue much smaller than the BDP drops packets before the window opens
 * and collapses throughput under delay.
 */
export function queueBytes(forward: Impairment, reverse: Impairment): number {
  const rate = forward.rateMbps ?? reverse.rateMbps;
  if (rate === null) return 0;
  const roundTripMs = forward.delayMs + reverse.delayMs + forward.jitterMs + reverse.jitterMs;
  const bdp = (rate * 1_000_000 * roundTripMs) / 8 / 1000;
  return Math.max(128 * 1024, Math.ceil(2 * bdp));
}
