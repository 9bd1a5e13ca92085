// How a tunnel notices its far end went away, the same in the VyOS and the Linux renderings. A
// tunnel between two reachable routers probes every 10 s and restarts after 60 s of silence. A
// tunnel to a router behind NAT (a dial-in peer) probes every 5 s, which keeps the NAT's UDP
// mapping open, and restarts after 20 s; and its reachable end says goodbye when it stops
// (`explicit-exit-notify`), so that the peer, which the reachable end cannot call, restarts and
// dials in again at once instead of waiting out its ping-restart: every apply of a hub
// restarts its tunnels, and its spokes behind NAT come back within seconds. The dialling end
// waits 3 s before it dials again (`connect-retry`), so that its first packet meets the hub's
// new process rather than the old one saying goodbye.
//
// Every end with TLS gives a handshake little time (`hand-window`; OpenVPN's default is 60 s):
// 10 s at the initiating end (tls-client), 15 s at the responding end. When both ends of a
// tunnel restart within a moment of each other, as an apply that changes both does, the end
// that restarted first is left in a handshake with the other end's old process and ignores the
// new process until its window runs out. Measured in the lab (tokyo--berlin of global-hub, the
// second end restarted 0.05 to 0.35 s after the first, both cores busy):
// - default windows: 60 to 62 s, whichever end restarted first;
// - 10 s at both ends: 12 to 35 s. Both windows ran out together and the two ends collided
//   again, cycle after cycle (CI saw 45 s and more);
// - 10 s and 15 s: 11 to 12 s when the initiator restarted first, 15.5 s when the responder
//   did. The windows run out apart, and the end that did not restart takes the new handshake.
// A static key has no handshake, and OpenVPN refuses `hand-window` without TLS.
import type { TunnelEnd } from '@geostage/schema';

export interface KeepAlive {
  interval: number;
  restartAfter: number;
  /** Send the peer an exit notification this many times when stopping (0: none). */
  exitNotify: number;
  /** Seconds a TLS handshake may take before it is begun again (null: a static key, no handshake). */
  handWindow: number | null;
  /** The dialling end behind NAT: seconds to wait before dialling again (null: OpenVPN's default). */
  connectRetry: number | null;
}

export const KEEP_ALIVE = { interval: 10, restartAfter: 60 } as const;
export const KEEP_ALIVE_DIAL_IN = { interval: 5, restartAfter: 20 } as const;
/** The handshake window of the initiating end and of the responding end: different on purpose. */
export const HAND_WINDOW = { initiator: 10, responder: 15 } as const;

/** The keep-alive of one tunnel end, seen from `local` with `peer` at the far end. */
export function keepAliveOf(local: TunnelEnd, peer: TunnelEnd, tls: boolean): KeepAlive {
  const dialIn = !local.reachable || !peer.reachable;
  const timing = dialIn ? KEEP_ALIVE_DIAL_IN : KEEP_ALIVE;
  // Only the end that waits for the peer to dial in notifies: the dialling end restarts on it,
  // and were both to notify, each restart would restart the other.
  return {
    ...timing,
    exitNotify: local.reachable && !peer.reachable ? 1 : 0,
    handWindow: tls ? (local.initiator ? HAND_WINDOW.initiator : HAND_WINDOW.responder) : null,
    connectRetry: local.reachable ? null : 3,
  };
}
