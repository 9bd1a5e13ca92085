// The first two phases: configure every router, then prove every tunnel carries traffic before
// anything is sent to a server through it.
import { routerAccess } from './access.ts';
import type { Context, DraftPhase, DraftStep } from './context.ts';
import { linuxRouterStep } from './linux.ts';
import { shellWord } from './shell.ts';
import { vyosRouterStep } from './vyos.ts';

export function routersPhase(context: Context): DraftPhase {
  const steps = context.model.sites.map((site) =>
    site.router.os === 'vyos' ? vyosRouterStep(context, site.router) : linuxRouterStep(context, site.router),
  );
  // Routers apply reaches over the underlay first; the ones behind NAT need their hub's tunnel.
  const ordered = [
    ...steps.filter((step) => step.access.via === 'underlay'),
    ...steps.filter((step) => step.access.via !== 'underlay'),
  ];
  return {
    name: 'routers',
    summary: 'configure every site router: addresses, tunnels, routes, NAT, WAN firewall',
    parallel: context.parallel,
    notes: [],
    steps: ordered,
  };
}

/** Seconds a tunnel may take to come up after its router was configured. */
export const TUNNEL_WAIT_SECONDS = 60;

/** One tunnel end's check: ping its far end through its own interface. */
export const tunnelPing = (device: string, remote: string) =>
  `ping -c 3 -W 2 -w ${TUNNEL_WAIT_SECONDS} -I ${shellWord(device)} ${shellWord(remote)}`;

export interface TunnelEndCheck {
  device: string;
  remote: string;
  /** What the end is, said with its result: "t-hub-a: site-a at the far end of vtun1". */
  note: string;
}

/**
 * A router's tunnel checks as one shell line that pings every tunnel at once, so a hub with
 * nine tunnels takes one tunnel's time rather than nine. Each tunnel says its own result: a
 * line on stdout when it answered, and on stderr, when it did not, its note, the ping and what
 * ping said (its statistics line, or its error); the line fails when any tunnel did.
 */
export function tunnelChecksCommand(checks: readonly TunnelEndCheck[]): string {
  if (checks.length === 1) return tunnelPing(checks[0]!.device, checks[0]!.remote);
  const check =
    'check() { out=$(ping -c 3 -W 2 -w ' +
    TUNNEL_WAIT_SECONDS +
    ' -I "$1" "$2" 2>&1); code=$?; said=$(printf \'%s\\n\' "$out" | grep "packets transmitted" || printf \'%s\\n\' "$out" | tail -n 1); ' +
    'if [ "$code" -eq 0 ]; then printf \'%s: %s\\n\' "$3" "$said"; ' +
    'else printf \'%s: no reply (ping -I %s %s, exit %s): %s\\n\' "$3" "$1" "$2" "$code" "$said" >&2; fi; return "$code"; }';
  const started = checks.map(
    (one, index) =>
      `check ${shellWord(one.device)} ${shellWord(one.remote)} ${shellWord(one.note)} & p${index}=$!`,
  );
  const waited = checks.map((_, index) => `wait "$p${index}" || failed=1`);
  return [check, ...started, 'failed=0', ...waited, 'exit "$failed"'].join('; ');
}

export function tunnelCheckPhase(context: Context): DraftPhase {
  const { model } = context;
  const steps: DraftStep[] = model.sites.flatMap((site) => {
    const router = site.router;
    const ends = model.tunnels.flatMap((tunnel) =>
      tunnel.a.router === router.name
        ? [{ tunnel: tunnel.name, local: tunnel.a, remote: tunnel.b }]
        : tunnel.b.router === router.name
          ? [{ tunnel: tunnel.name, local: tunnel.b, remote: tunnel.a }]
          : [],
    );
    if (ends.length === 0) return [];
    return [
      {
        host: router.name,
        role: `router of ${site.name}`,
        access: routerAccess(model, router),
        uploads: [],
        commands: [
          {
            run: tunnelChecksCommand(
              ends.map((end) => ({
                device: end.local.interface,
                remote: end.remote.address,
                note: `${end.tunnel}: ${end.remote.router} at the far end of ${end.local.interface}`,
              })),
            ),
            ...(ends.length > 1
              ? {
                  shown: `ping -c 3 -W 2 -w ${TUNNEL_WAIT_SECONDS} at once: ${ends.map((end) => `-I ${end.local.interface} ${end.remote.address}`).join(', ')}`,
                }
              : {}),
            note: ends
              .map((end) => `${end.tunnel}: ${end.remote.router} at the far end of ${end.local.interface}`)
              .join('; '),
          },
        ],
        problems: [],
      },
    ];
  });
  return {
    name: 'tunnel-check',
    summary: "ping the far end of every tunnel from both routers, all of a router's tunnels at once",
    parallel: context.parallel,
    notes: [
      `a tunnel has ${TUNNEL_WAIT_SECONDS} s to come up; a failure stops apply before any server is touched`,
    ],
    steps,
  };
}
