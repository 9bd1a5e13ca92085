// netem as the lab's WAN where the kernel has it: the wire is a veth pair and each end's egress
// carries one netem qdisc merging delay, jitter, loss and rate (stacked qdiscs would replace
// each other), its limit in packets sized for the bandwidth-delay product.
import { type Impairment, queueBytes } from './impairment.ts';

const MTU_BYTES = 1500;

/** `tc qdisc replace dev <device> root netem ...` for one direction, run inside `namespace`. */
export function netemCommand(
  namespace: string,
  device: string,
  forward: Impairment,
  reverse: Impairment,
): string[] {
  const options: string[] = ['delay', `${forward.delayMs}ms`];
  if (forward.jitterMs > 0) options.push(`${forward.jitterMs}ms`);
  if (forward.lossPercent > 0) options.push('loss', `${forward.lossPercent}%`);
  if (forward.rateMbps !== null) options.push('rate', `${forward.rateMbps}mbit`);
  // netem's default limit is 1000 packets; under delay and a rate the queue must hold the BDP.
  const limit = Math.max(1000, Math.ceil(queueBytes(forward, reverse) / MTU_BYTES));
  options.push('limit', String(limit));
  return ['tc', '-n', namespace, 'qdisc', 'replace', 'dev', device, 'root', 'netem', ...options];
}
