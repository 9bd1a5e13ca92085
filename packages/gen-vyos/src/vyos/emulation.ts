// WAN emulation on a VyOS router (wan.emulate: routers): one network-emulator policy per tunnel
// interface, attached to its egress, so each direction of a tunnel gets its one-way values.
// VyOS's network emulator has no jitter; 1.4+ validate whole milliseconds and whole percents,
// and 1.2/1.3 leave the check to a script we cannot run here, so every line gets whole numbers.
import { type Emulation, emulationsOf } from '../emulation.ts';
import { type Section, type SetCommand, type Step, set, tag } from './command.ts';
import type { RouterContext } from './context.ts';
import type { VyosLine } from './versions.ts';

interface EmulatorSyntax {
  policy: (name: string) => Step[];
  delay: (ms: number) => [string, string];
  loss: (percent: number) => [string, string];
  attach: (vtun: string, name: string) => SetCommand;
}

const LEGACY: EmulatorSyntax = {
  policy: (name) => ['traffic-policy', tag('network-emulator', name)],
  delay: (ms) => ['network-delay', `${ms}ms`],
  loss: (percent) => ['packet-loss', `${percent}%`],
  attach: (vtun, name) => set(['interfaces', tag('openvpn', vtun), 'traffic-policy'], 'out', name),
};

const QOS: EmulatorSyntax = {
  policy: (name) => ['qos', 'policy', tag('network-emulator', name)],
  delay: (ms) => ['delay', String(ms)],
  loss: (percent) => ['loss', String(percent)],
  attach: (vtun, name) => set(['qos', tag('interface', vtun)], 'egress', name),
};

const EMULATOR: Record<VyosLine, EmulatorSyntax> = { '1.2': LEGACY, '1.3': LEGACY, '1.4': QOS, '1.5': QOS };

export function policyName(vtun: string): string {
  return `wan-emulation-${vtun}`;
}

function commandsFor(
  emulation: Emulation,
  syntax: EmulatorSyntax,
  warnings: string[],
  context: RouterContext,
): SetCommand[] {
  const policy = syntax.policy(policyName(emulation.interface));
  const where = `${context.router.name}: ${emulation.interface}`;
  // Rounding a delay to whole ms is noise; a loss of 0.2% becoming 0% or 1% is not: say so past 10%.
  const value = (amount: number, unit: string) => {
    const shown = Math.max(amount > 0 ? 1 : 0, Math.round(amount));
    if (Math.abs(shown - amount) > 0.1 * amount)
      warnings.push(
        `${where} emulates ${shown}${unit} where the WAN says ${amount}${unit}: VyOS network-emulator values are whole numbers`,
      );
    return shown;
  };
  const commands: SetCommand[] = [
    set(policy, 'description', `WAN emulation: ${emulation.tunnel} to ${emulation.peer}`),
  ];
  if (emulation.delayMs > 0) commands.push(set(policy, ...syntax.delay(value(emulation.delayMs, ' ms'))));
  if (emulation.lossPercent > 0)
    commands.push(set(policy, ...syntax.loss(value(emulation.lossPercent, '%'))));
  if (emulation.rateMbps !== null)
    commands.push(set(policy, 'bandwidth', `${Math.max(1, Math.round(emulation.rateMbps))}mbit`));
  commands.push(set(policy, 'queue-limit', emulation.limit));
  commands.push(syntax.attach(emulation.interface, policyName(emulation.interface)));
  if (emulation.jitterMs > 0)
    warnings.push(
      `${where} cannot emulate ${emulation.jitterMs} ms jitter: VyOS's network emulator has no jitter`,
    );
  return commands;
}

export function emulationSection(context: RouterContext): { section: Section | null; warnings: string[] } {
  const emulations = emulationsOf(context.model, context.router.name);
  if (emulations.length === 0) return { section: null, warnings: [] };
  const warnings: string[] = [];
  const syntax = EMULATOR[context.line];
  return {
    section: {
      comment: [
        'WAN emulation (not a real limit)',
        'The topology asks the routers to emulate the WAN (wan.emulate: routers): each tunnel egress gets its one-way delay, loss and rate on top of the real WAN.',
        'Queue limits hold twice the packets in flight at the rate over the delay, so TCP keeps its rate under delay.',
      ],
      commands: emulations.flatMap((emulation) => commandsFor(emulation, syntax, warnings, context)),
    },
    warnings,
  };
}
