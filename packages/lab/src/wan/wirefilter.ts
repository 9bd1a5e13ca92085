// VDE's wirefilter as the lab's WAN where the kernel has no netem: a user-space Ethernet wire
// between two tap interfaces (vde_plug tap://... on each side, joined by dpipe), adding delay,
// jitter, loss and a bandwidth bottleneck per direction. Left to right is the underlay's side
// to the wire namespace's side. Its management socket lets a measurement or a scenario change
// the values while the lab runs.
import { type Impairment, queueBytes } from './impairment.ts';

const number = (value: number) => String(Math.round(value * 1000) / 1000);

/**
 * A delay as wirefilter takes it: whole milliseconds (it truncates a fraction: 4.97 ms would
 * run as 4), so values are rounded to the nearest; a jitter is a uniform variation around it.
 */
export function wirefilterDelay(impairment: Impairment): string {
  const delay = String(Math.round(impairment.delayMs));
  const jitter = Math.round(impairment.jitterMs);
  return jitter > 0 ? `${delay}+${jitter}U` : delay;
}

function direction(option: string, left: string, right: string): string[] {
  return left === right ? [option, left] : [option, `LR${left}`, option, `RL${right}`];
}

/** wirefilter's options for a wire whose left-to-right direction is `forward`. */
export function wirefilterOptions(forward: Impairment, reverse: Impairment): string[] {
  const options = [
    ...direction('-d', wirefilterDelay(forward), wirefilterDelay(reverse)),
    ...direction('-l', number(forward.lossPercent), number(reverse.lossPercent)),
  ];
  // Bytes per second; 0 is no limit.
  const rate = (impairment: Impairment) => String(Math.round(((impairment.rateMbps ?? 0) * 1_000_000) / 8));
  if (forward.rateMbps !== null || reverse.rateMbps !== null) {
    options.push(
      ...direction('-b', rate(forward), rate(reverse)),
      '-c',
      String(queueBytes(forward, reverse)),
    );
  }
  return options;
}

/** The process that is the wire: dpipe makes itself the leader of a process group, so the lab
 * stops the whole wire (dpipe, both plugs, wirefilter) by that group. */
export function wireCommand(input: {
  leftNamespace: string;
  leftTap: string;
  rightNamespace: string;
  rightTap: string;
  forward: Impairment;
  reverse: Impairment;
  management: string;
}): string[] {
  return [
    'dpipe',
    'ip',
    'netns',
    'exec',
    input.leftNamespace,
    'vde_plug',
    `tap://${input.leftTap}`,
    '=',
    'wirefilter',
    ...wirefilterOptions(input.forward, input.reverse),
    '-M',
    input.management,
    '=',
    'ip',
    'netns',
    'exec',
    input.rightNamespace,
    'vde_plug',
    `tap://${input.rightTap}`,
  ];
}
