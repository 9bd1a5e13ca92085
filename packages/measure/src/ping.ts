// One measurement: `ping` from inside a server's namespace, read back from its output.
import { execFile } from 'node:child_process';

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

export function pingCommand(namespace: string, address: string, options: PingOptions = {}): string[] {
  return [
    'ip',
    'netns',
    'exec',
    namespace,
    'ping',
    '-n',
    '-c',
    String(options.count ?? 2),
    '-i',
    String(options.intervalSeconds ?? 0.2),
    '-W',
    String(options.timeoutSeconds ?? 1),
    address,
  ];
}

/** Runs ping; no reply is a result (exit 1), a failure to run is thrown with ping's words. */
export function ping(namespace: string, address: string, options: PingOptions = {}): Promise<PingResult> {
  const [command, ...args] = pingCommand(namespace, address, options);
  return new Promise((done, fail) => {
    execFile(command!, args, { encoding: 'utf8' }, (error, stdout, stderr) => {
      const code = (error as { code?: unknown } | null)?.code;
      if (error && code !== 1)
        fail(new Error(`${args.slice(3).join(' ')} in ${namespace}: ${stderr.trim() || error.message}`));
      else done(parsePing(stdout));
    });
  });
}
