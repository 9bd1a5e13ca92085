// The lab's WAN, as `lab up` builds it when the topology asks for emulation (wan.emulate lab or
// routers): every tunnel's underlay path through a wire of its own (wiring.ts) carrying the
// Model's values for that tunnel. Detects the emulator, records each wire namespace and process
// in the state before it exists, and fails when emulation was asked for and cannot be had: a
// lab never measures an unemulated WAN silently. `lab down` stops the wires by their process
// groups; measurements and scenarios change them through setWanLink.
import { spawn } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type Model, parsePrefix } from '@geostage/schema';
import { run, waitFor } from '@geostage/transport';
import type { LabRouter } from '../wiring/wiring.ts';
import { netemChange, talkToWirefilter, wirefilterCommands } from './control.ts';
import { detectWan } from './detect.ts';
import { type Impairment, NO_IMPAIRMENT, type WanLink } from './impairment.ts';
import { planWan, type WanMechanism, type WanWiring, wireDevices } from './wiring.ts';

/** One wire as the state records it. */
export interface WanWireState {
  /** The tunnel it carries. */
  link: string;
  namespace: string;
  /** dpipe's pid, which is also the wire's process group (wirefilter only). */
  pid: number | null;
  /** Absolute path of wirefilter's management socket. */
  management: string | null;
  /** The underlay's end of the wire (netem changes it there). */
  underlayDevice: string;
  /** What the wire does now: a -> b (left to right) and b -> a. */
  forward: Impairment;
  reverse: Impairment;
}

export interface LabWanState {
  /** 'emulated': wires carry the Model's values; 'off': asked for, turned off by lab up --no-wan;
   * 'none': the topology asks for no emulation. */
  mode: 'emulated' | 'off' | 'none';
  mechanism: WanMechanism | null;
  /** Why this mechanism (or why none). */
  why: string;
  underlay: string;
  wires: WanWireState[];
}

export const wantsEmulation = (model: Model) => model.wan.emulate !== 'none';

const impairmentOf = (tunnel: Model['wan']['tunnels'][number]): Impairment => ({
  delayMs: tunnel.delayMs.value ?? 0,
  jitterMs: tunnel.jitterMs.value ?? 0,
  lossPercent: tunnel.lossPercent.value ?? 0,
  rateMbps: tunnel.rateMbps.value,
});

/** Pure: every tunnel as a WAN link between the addresses the underlay sees of its two routers. */
export function wanLinks(model: Model, routers: readonly LabRouter[]): WanLink[] {
  const bySite = new Map(routers.map((router) => [router.site, router]));
  const seen = (router: LabRouter) => ({
    site: router.site,
    address: router.natAddress ?? router.wan.split('/')[0]!,
  });
  return model.wan.tunnels.map((tunnel) => {
    const values = impairmentOf(tunnel);
    return {
      name: tunnel.tunnel,
      a: seen(bySite.get(tunnel.a)!),
      b: seen(bySite.get(tunnel.b)!),
      aToB: values,
      bToA: values,
    };
  });
}

/** Pure: the WAN wiring of a lab: links, the routers' underlay ports, the prefixes in use. */
export function labWanWiring(input: {
  model: Model;
  routers: readonly LabRouter[];
  underlay: string;
  prefix: string;
  folder: string;
  mechanism: WanMechanism;
}): { ok: true; wiring: WanWiring } | { ok: false; error: string } {
  const { model } = input;
  const routed = model.sites.filter((site) => !site.router.wan.nat);
  return planWan({
    mechanism: input.mechanism,
    underlay: input.underlay,
    links: wanLinks(model, input.routers),
    wireNamespace: (index) => `${input.prefix}e-${index}`,
    folder: input.folder,
    mtu: Math.max(1500, ...model.sites.map((site) => site.router.wan.mtu)),
    routerPorts: routed.map((site) => ({ device: `w${site.id}`, host: site.router.wan.host })),
    wanPrefixes: [
      ...new Set(
        routed.map((site) => {
          const prefix = parsePrefix(site.router.wan.address);
          return `${integer(prefix.network)}/${prefix.length}`;
        }),
      ),
    ].sort(),
    used: [
      ...model.sites.flatMap((site) => [
        site.router.wan.address,
        ...site.segments.map((segment) => segment.prefix),
      ]),
      model.vpn.pool,
    ].map(parsePrefix),
  });
}

const integer = (value: number) => [24, 16, 8, 0].map((shift) => (value >>> shift) & 255).join('.');

export interface EmulateOptions {
  model: Model;
  routers: readonly LabRouter[];
  underlay: string;
  prefix: string;
  /** Absolute lab folder. */
  lab: string;
  /** Records the state so far (namespaces and wires before they exist). */
  record(update: { namespace?: { name: string; of: string }; wan?: LabWanState }): Promise<void>;
  progress(line: string): void;
}

/** Builds the lab's WAN; throws with the reason when emulation is asked for and cannot be had. */
export async function emulateWan(options: EmulateOptions): Promise<LabWanState> {
  const { model, underlay, lab, progress } = options;
  const runner = async (command: string[]) => {
    try {
      await run(command[0]!, command.slice(1));
      return { code: 0, stderr: '' };
    } catch (error) {
      return { code: 1, stderr: error instanceof Error ? error.message : String(error) };
    }
  };
  const detected = await detectWan(runner, underlay);
  if (!detected.ok) throw new Error(detected.error);
  const planned = labWanWiring({ ...options, folder: lab, mechanism: detected.mechanism });
  if (!planned.ok) throw new Error(planned.error);
  const { wiring } = planned;
  const state: LabWanState = {
    mode: 'emulated',
    mechanism: wiring.mechanism,
    why: detected.why,
    underlay,
    wires: [],
  };
  await options.record({ wan: state });
  progress(`WAN: ${wiring.wires.length} wires (${detected.why})`);
  for (const namespace of wiring.namespaces) {
    await options.record({ namespace: { ...namespace } });
    await run('ip', ['netns', 'add', namespace.name]);
    await run('ip', ['-n', namespace.name, 'link', 'set', 'lo', 'up']);
  }
  for (const [command, ...args] of wiring.prepare) await run(command!, args);
  await mkdir(join(lab, 'wan'), { recursive: true, mode: 0o700 });
  for (const [index, wire] of wiring.wires.entries()) {
    const entry: WanWireState = {
      link: wire.link,
      namespace: wire.namespace,
      pid: null,
      management: wire.management ? join(lab, wire.management) : null,
      underlayDevice: wireDevices(index).tap,
      forward: wire.forward,
      reverse: wire.reverse,
    };
    state.wires.push(entry);
    if (wire.command) {
      entry.pid = startWire(wire.command, join(lab, wire.log));
      await options.record({ wan: state });
      for (const { namespace, device } of wire.waitFor) {
        await waitFor(
          `${device} of the ${wire.link} wire in ${namespace}`,
          5_000,
          async () =>
            await run('ip', ['-n', namespace, '-o', 'link', 'show', 'dev', device]).then(
              () => true,
              () => null,
            ),
        );
      }
    }
  }
  await options.record({ wan: state });
  for (const [command, ...args] of wiring.connect) await run(command!, args);
  return state;
}

/** Starts a wire: dpipe makes itself a process group leader, so the group is the whole wire. */
function startWire(command: readonly string[], log: string): number {
  const out = openSync(log, 'a', 0o600);
  const child = spawn(command[0]!, command.slice(1), { stdio: ['ignore', out, out], detached: false });
  child.unref();
  if (child.pid === undefined) throw new Error(`could not start ${command[0]}`);
  return child.pid;
}

/** Whether `pid` is still the dpipe of a wire of this lab. */
export function isWireProcess(pid: number, management: string | null): boolean {
  try {
    if (/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))) return false;
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return args[0] === 'dpipe' && management !== null && args.includes(management);
  } catch {
    return false;
  }
}

/** Stops every wire's process group; true per wire that was ours and is gone. */
export async function stopWires(wan: LabWanState | undefined): Promise<number> {
  let stopped = 0;
  for (const wire of wan?.wires ?? []) {
    if (wire.pid === null || !isWireProcess(wire.pid, wire.management)) continue;
    try {
      process.kill(-wire.pid, 'SIGTERM');
    } catch {
      continue;
    }
    const deadline = Date.now() + 3000;
    while (isWireProcess(wire.pid, wire.management) && Date.now() < deadline)
      await new Promise((done) => setTimeout(done, 50));
    if (isWireProcess(wire.pid, wire.management)) process.kill(-wire.pid, 'SIGKILL');
    stopped += 1;
  }
  return stopped;
}

/** What is wrong with the lab's WAN, one line each. */
export function wanProblems(wan: LabWanState | undefined): string[] {
  if (!wan || wan.mechanism !== 'wirefilter') return [];
  const dead = wan.wires.filter((wire) => wire.pid === null || !isWireProcess(wire.pid, wire.management));
  return dead.length > 0 ? [`WAN wire not running for ${dead.map((wire) => wire.link).join(', ')}`] : [];
}

/** Sets one wire's two directions while the lab runs; returns the wire as it is now. */
export async function setWanLink(
  wan: LabWanState,
  link: string,
  forward: Impairment,
  reverse: Impairment = forward,
): Promise<WanWireState> {
  const wire = wan.wires.find((candidate) => candidate.link === link);
  if (!wire) throw new Error(`the lab's WAN has no wire for ${link}`);
  if (wan.mechanism === 'wirefilter') {
    await talkToWirefilter(wire.management!, wirefilterCommands(forward, reverse));
  } else {
    for (const [command, ...args] of netemChange(
      wan.underlay,
      wire.underlayDevice,
      wire.namespace,
      forward,
      reverse,
    ))
      await run(command!, args);
  }
  wire.forward = forward;
  wire.reverse = reverse;
  return wire;
}

/** Every wire at zero, for the lab's own base round trip; returns what to restore. */
export async function zeroWan(wan: LabWanState): Promise<() => Promise<void>> {
  const before = wan.wires.map((wire) => ({ link: wire.link, forward: wire.forward, reverse: wire.reverse }));
  for (const wire of wan.wires) await setWanLink(wan, wire.link, NO_IMPAIRMENT, NO_IMPAIRMENT);
  return async () => {
    for (const saved of before) await setWanLink(wan, saved.link, saved.forward, saved.reverse);
  };
}
