// Which WAN emulator this machine offers: netem where the kernel has it (probed on a dummy
// interface inside a lab namespace, never on the host's), else VDE's wirefilter when vde2 is
// installed. A lab that asked for emulation and gets neither fails at `lab up`: it never
// measures an unemulated WAN silently.
import type { WanMechanism } from './wiring.ts';

export type Runner = (command: string[]) => Promise<{ code: number; stderr: string }>;

export type Detected = { ok: true; mechanism: WanMechanism; why: string } | { ok: false; error: string };

export const WIREFILTER_TOOLS = ['dpipe', 'vde_plug', 'wirefilter'] as const;

export async function detectWan(
  run: Runner,
  namespace: string,
  prefer: WanMechanism | 'auto' = 'auto',
): Promise<Detected> {
  const netem = prefer === 'wirefilter' ? null : await probeNetem(run, namespace);
  if (netem === true) return { ok: true, mechanism: 'netem', why: 'the kernel has sch_netem' };
  if (prefer === 'netem')
    return { ok: false, error: `netem was asked for and the kernel refuses it: ${netem}` };
  const missing: string[] = [];
  for (const tool of WIREFILTER_TOOLS) {
    if ((await run(['which', tool])).code !== 0) missing.push(tool);
  }
  if (missing.length === 0) {
    return {
      ok: true,
      mechanism: 'wirefilter',
      why:
        netem === null
          ? 'wirefilter was asked for'
          : `no netem in this kernel (${netem}); VDE wirefilter instead`,
    };
  }
  return {
    ok: false,
    error:
      `the topology asks for WAN emulation and this machine has neither netem (${netem ?? 'not tried'}) ` +
      `nor VDE's wirefilter (missing: ${missing.join(', ')}); install vde2 (scripts/setup.sh does) or use a kernel with sch_netem`,
  };
}

/** true, or what tc said. */
async function probeNetem(run: Runner, namespace: string): Promise<true | string> {
  // A veth pair: some kernels (this project's CI among them) have no dummy interfaces.
  const device = 'gsnetemprobe';
  const made = await run([
    'ip',
    '-n',
    namespace,
    'link',
    'add',
    device,
    'type',
    'veth',
    'peer',
    'name',
    `${device}1`,
  ]);
  if (made.code !== 0) return `cannot add a probe interface: ${made.stderr.trim()}`;
  try {
    const tried = await run([
      'tc',
      '-n',
      namespace,
      'qdisc',
      'add',
      'dev',
      device,
      'root',
      'netem',
      'delay',
      '1ms',
    ]);
    return tried.code === 0 ? true : tried.stderr.trim() || `tc exited ${tried.code}`;
  } finally {
    await run(['ip', '-n', namespace, 'link', 'del', device]);
  }
}
