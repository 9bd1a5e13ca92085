// Many round trips from one place in one process: fping sends to every target in turn and
// prints each target's samples ("10.2.0.11 : 20.5 20.6 - 20.4", "-" for a lost one), so a site
// measures all its pairs at once instead of one ping process per pair.
import type { PingResult } from '../ping.ts';

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
