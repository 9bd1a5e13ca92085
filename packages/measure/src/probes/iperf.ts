// TCP throughput between two lab servers: iperf3, one server per site for the whole
// measurement, each client run bounded in time, read back from iperf3's JSON.

export interface IperfResult {
  /** What the receiver got, Mbit/s. */
  throughputMbps: number;
  /** TCP retransmissions the sender counted. */
  retransmits: number;
}

export const IPERF_PORT = 5201;

/** The server: a daemon in the site's measuring server, its pid in `pidFile` for an exact stop. */
export function iperfServerCommand(namespace: string, pidFile: string, port = IPERF_PORT): string[] {
  return [
    'ip',
    'netns',
    'exec',
    namespace,
    'iperf3',
    '--server',
    '--daemon',
    '--port',
    String(port),
    '--pidfile',
    pidFile,
  ];
}

export function iperfClientCommand(
  namespace: string,
  address: string,
  seconds: number,
  port = IPERF_PORT,
): string[] {
  return [
    'ip',
    'netns',
    'exec',
    namespace,
    'iperf3',
    '--client',
    address,
    '--port',
    String(port),
    '--time',
    String(seconds),
    // The first half second is slow start; leave it out of the figure.
    '--omit',
    '1',
    '--connect-timeout',
    '3000',
    '--json',
  ];
}

/** Reads `iperf3 --json` output; an iperf3 error is returned as text. */
export function parseIperf(output: string): IperfResult | string {
  let report: {
    error?: string;
    end?: { sum_received?: { bits_per_second?: number }; sum_sent?: { retransmits?: number } };
  };
  try {
    report = JSON.parse(output);
  } catch {
    return `iperf3 printed no JSON: ${output.trim().slice(0, 200)}`;
  }
  if (report.error) return `iperf3: ${report.error}`;
  const bits = report.end?.sum_received?.bits_per_second;
  if (typeof bits !== 'number') return 'iperf3 reported no received throughput';
  return {
    throughputMbps: Math.round(bits / 10_000) / 100,
    retransmits: report.end?.sum_sent?.retransmits ?? 0,
  };
}
