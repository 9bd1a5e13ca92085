// WAN emulation on a Linux router (wan.emulate: routers): one netem qdisc per tunnel interface,
// set by a systemd drop-in of that tunnel's OpenVPN unit once the interface is up. One qdisc
// carries every value: two netem rules on one interface would replace each other.
import { generatedHeader, type Model } from '@geostage/schema';
import type { Emulation } from '../emulation.ts';

/** `tc` arguments (after `tc`) of one tunnel interface's emulation. */
export function netemArguments(emulation: Emulation): string[] {
  const args = ['qdisc', 'replace', 'dev', emulation.interface, 'root', 'netem'];
  if (emulation.delayMs > 0 || emulation.jitterMs > 0) {
    args.push('delay', `${number(emulation.delayMs)}ms`);
    if (emulation.jitterMs > 0) args.push(`${number(emulation.jitterMs)}ms`);
  }
  if (emulation.lossPercent > 0) args.push('loss', `${number(emulation.lossPercent)}%`);
  if (emulation.rateMbps !== null) args.push('rate', `${number(emulation.rateMbps)}mbit`);
  args.push('limit', String(emulation.limit));
  return args;
}

/** The drop-in file, relative to routers/<router>/, for one tunnel end. */
export function emulationDropIn(model: Model, emulation: Emulation): { path: string; content: string } {
  const command = ['/usr/sbin/tc', ...netemArguments(emulation)].join(' ');
  const content = [
    generatedHeader(model.source).trimEnd(),
    `# WAN EMULATION, not a real limit: tunnel ${emulation.tunnel} to ${emulation.peer} gets ${describe(emulation)}`,
    '# on top of the real WAN, because the topology says wan.emulate: routers.',
    `# Queue limit ${emulation.limit} packets: twice the packets in flight at this rate over the delay (see gen-vyos emulation.ts).`,
    '[Service]',
    `ExecStartPost=${command}`,
    '',
  ].join('\n');
  return { path: `systemd/openvpn-geostage@${emulation.interface}.service.d/emulation.conf`, content };
}

function describe(emulation: Emulation): string {
  const parts = [`${number(emulation.delayMs)} ms delay`];
  if (emulation.jitterMs > 0) parts.push(`${number(emulation.jitterMs)} ms jitter`);
  if (emulation.lossPercent > 0) parts.push(`${number(emulation.lossPercent)}% loss`);
  if (emulation.rateMbps !== null) parts.push(`${number(emulation.rateMbps)} Mbit/s`);
  return `${parts.join(', ')} each way`;
}

/** At most three decimals, no trailing zeros: what tc reads and a person can check. */
function number(value: number): string {
  return String(Math.round(value * 1000) / 1000);
}
