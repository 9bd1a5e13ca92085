// Many round trips from one place in one process: fping sends to every target in turn and
// prints each target's samples ("10.2.0.11 : 20.5 20.6 - 20.4", "-" for a lost one), so a site
// measures all its pairs at once instead of one ping process per pair.
import type { PingOptions, PingResult } from '../ping.ts';

export function fpingCommand(
  namespace: string,
  targets: readonly string[],
  count: number,
  periodMs = 50,
): string[] {
  return [
    'ip',
    'netns',
    'exec',
    namespace,
    'fping',
    '-C',
    String(count),
    '-p',
    String(periodMs),
    // Between two targets: 5 ms, so that a burst of echo requests does not queue on one wire.
    '-i',
    '5',
    '-t',
    '2000',
    '-q',
    ...targets,
  ];
}

/** Reads fping -C -q output (it goes to stderr) into one result per target address. */
export function parseFping(output: string): Map<string, PingResult> {
  const results = new Map<string, PingResult>();
  for (const line of output.split('\n')) {
    const match = /^(\S+)\s+:\s+(.*)$/.exec(line.trim());
    if (!match) continue;
    const samples = match[2]!.trim().split(/\s+/);
    const rttsMs = samples
      .filter((sample) => sample !== '-')
      .map(Number)
      .filter(Number.isFinite);
    results.set(match[1]!, { sent: samples.length, received: rttsMs.length, rttsMs, ttl: null });
  }
  return results;
}

/**
 * verify's probe: `count` echo requests to every target, `intervalSeconds` apart per target
 * (2 ms between targets), waiting `timeoutSeconds` for the last reply.
 */
export function fpingReachabilityCommand(
  namespace: string,
  targets: readonly string[],
  options: PingOptions = {},
): string[] {
  return [
    'ip',
    'netns',
    'exec',
    namespace,
    'fping',
    '-C',
    String(options.count ?? 2),
    '-p',
    String(Math.round((options.intervalSeconds ?? 0.2) * 1000)),
    '-i',
    '2',
    '-t',
    String(Math.round((options.timeoutSeconds ?? 1) * 1000)),
    '-q',
    ...targets,
  ];
}

/** One process per sender for the TTLs fping 5.1 cannot print: `ping -c 1` to each target in turn. */
export function ttlCommand(
  namespace: string,
  targets: readonly string[],
  options: PingOptions = {},
): string[] {
  return [
    'ip',
    'netns',
    'exec',
    namespace,
    'sh',
    '-c',
    `for target; do ping -n -c 1 -W ${options.timeoutSeconds ?? 1} "$target"; done`,
    'ttl',
    ...targets,
  ];
}

/** The TTL of each target's reply in ping's output ("64 bytes from 10.2.0.11: icmp_seq=1 ttl=62 ..."). */
export function parseTtls(output: string): Map<string, number> {
  const ttls = new Map<string, number>();
  for (const [, address, ttl] of output.matchAll(/bytes from ([^:\s]+): .*?ttl=(\d+)/g)) {
    if (!ttls.has(address!)) ttls.set(address!, Number(ttl));
  }
  return ttls;
}
