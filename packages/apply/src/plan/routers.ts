// The first two phases: configure every router, then prove every tunnel carries traffic before
// anything is sent to a server through it.
import { routerAccess } from './access.ts';
import type { Context, DraftPhase, DraftStep } from './context.ts';
import { linuxRouterStep } from './linux.ts';
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
        commands: ends.map((end) => ({
          run: `ping -c 3 -W 2 -w ${TUNNEL_WAIT_SECONDS} -I ${end.local.interface} ${end.remote.address}`,
          note: `${end.tunnel}: ${end.remote.router} at the far end of ${end.local.interface}`,
        })),
        problems: [],
      },
    ];
  });
  return {
    name: 'tunnel-check',
    summary: 'ping the far end of every tunnel from both routers',
    parallel: context.parallel,
    notes: [
      `a tunnel has ${TUNNEL_WAIT_SECONDS} s to come up; a failure stops apply before any server is touched`,
    ],
    steps,
  };
}
