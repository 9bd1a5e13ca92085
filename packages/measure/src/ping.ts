// What pinging one pair gives (PingResult), the probe options, and iputils ping's output read
// back. The probes that run are in probes/ (fping for verify and measure, iperf3).

export interface PingOptions {
  /** Echo requests per pair (default 2). */
  count?: number;
  /** Seconds to wait for the last reply (default 1). */
  timeoutSeconds?: number;
  /** Seconds between requests (default 0.2: root may go below ping's 1 s default). */
  intervalSeconds?: number;
}

export interface PingResult {
  sent: number;
  received: number;
  rttsMs: number[];
  /** The TTL of the first reply: 64 less one per router the reply crossed. */
  ttl: number | null;
}

/** Reads iputils ping output: one line per reply, then the statistics line. */
export function parsePing(output: string): PingResult {
  const rttsMs: number[] = [];
  let ttl: number | null = null;
  for (const [, replyTtl, time] of output.matchAll(/bytes from .*?ttl=(\d+) time=([\d.]+) ms/g)) {
    rttsMs.push(Number(time));
    ttl ??= Number(replyTtl);
  }
  const statistics = /(\d+) packets transmitted, (\d+) received/.exec(output);
  return {
    sent: statistics ? Number(statistics[1]) : 0,
    received: statistics ? Number(statistics[2]) : rttsMs.length,
    rttsMs,
    ttl,
  };
}
