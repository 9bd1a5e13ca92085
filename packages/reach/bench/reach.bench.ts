// Benchmark: computeReachability on synthetic hub-and-spoke environments (one hub, N-1
// spokes, 10 servers per site, VyOS 1.4 set scripts and netplan written here as text, with
// every spoke routing every other LAN into its tunnel as the generators do: about N^2 route
// lines). Run: npx node packages/reach/bench/reach.bench.ts [sites ...]
import { computeReachability, everyCell } from '../src/index.ts';

const SERVERS_PER_SITE = 10;

const lan = (site: number) => `172.${16 + (site >> 8)}.${site & 255}`;
const wan = (site: number) => `100.${64 + (site >> 8)}.${site & 255}`;
/** Tunnel of spoke s: 10.255.0.0/16 in /30s, hub end .1, spoke end .2. */
const tunnel = (spoke: number, end: 1 | 2) => {
  const base = spoke * 4 + end;
  return `10.${255 - (base >> 16)}.${(base >> 8) & 255}.${base & 255}`;
};

export function syntheticHubAndSpoke(sites: number): Map<string, string> {
  const files = new Map<string, string>();
  const router = (site: number) => (site === 0 ? 'hub' : `spoke${site}`);
  for (let site = 0; site < sites; site++) {
    const lines = [
      `set system host-name ${router(site)}`,
      `set interfaces ethernet eth0 address ${wan(site)}.2/24`,
      `set interfaces ethernet eth1 address ${lan(site)}.1/24`,
      `set protocols static route 0.0.0.0/0 next-hop ${wan(site)}.1`,
    ];
    const openvpn = (
      name: string,
      local: number,
      remote: number,
      localPort: number,
      remotePort: number,
      a: string,
      b: string,
      role: string,
    ) => {
      const prefix = `set interfaces openvpn ${name}`;
      lines.push(
        `${prefix} mode site-to-site`,
        `${prefix} local-host ${wan(local)}.2`,
        `${prefix} local-port ${localPort}`,
        `${prefix} remote-host ${wan(remote)}.2`,
        `${prefix} remote-port ${remotePort}`,
        `${prefix} local-address ${a}`,
        `${prefix} remote-address ${b}`,
        `${prefix} tls role ${role}`,
        `${prefix} tls certificate ${router(local)}`,
      );
    };
    if (site === 0) {
      for (let spoke = 1; spoke < sites; spoke++) {
        openvpn(`vtun${spoke}`, 0, spoke, 1194 + spoke, 1194, tunnel(spoke, 1), tunnel(spoke, 2), 'passive');
        lines.push(`set protocols static route ${lan(spoke)}.0/24 interface vtun${spoke}`);
      }
    } else {
      openvpn('vtun0', site, 0, 1194, 1194 + site, tunnel(site, 2), tunnel(site, 1), 'active');
      for (let other = 0; other < sites; other++) {
        if (other !== site) lines.push(`set protocols static route ${lan(other)}.0/24 interface vtun0`);
      }
    }
    files.set(`routers/${router(site)}/config.set`, `${lines.join('\n')}\n`);
    for (let server = 0; server < SERVERS_PER_SITE; server++) {
      files.set(
        `servers/s${site}-${server}/netplan.yaml`,
        `network:\n  version: 2\n  ethernets:\n    eth0:\n      addresses: [${lan(site)}.${10 + server}/24]\n      routes:\n        - to: default\n          via: ${lan(site)}.1\n`,
      );
    }
  }
  return files;
}

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.floor(sorted.length / 2)]!;
}

if (import.meta.main) main();

function main(): void {
  const sizes = process.argv
    .slice(2)
    .map(Number)
    .filter((n) => n > 1);
  const runs = Number(process.env.REACH_BENCH_RUNS ?? 3);
  const rows: string[] = [];
  for (const sites of sizes.length ? sizes : [10, 100, 1000]) {
    const files = syntheticHubAndSpoke(sites);
    const lines = [...files.values()].reduce((sum, text) => sum + text.split('\n').length - 1, 0);
    const times: number[] = [];
    const cpu: number[] = [];
    let pairs = 0;
    for (let run = 0; run < runs; run++) {
      const start = performance.now();
      const startCpu = process.cpuUsage();
      const report = computeReachability(files);
      times.push(performance.now() - start);
      const used = process.cpuUsage(startCpu);
      cpu.push((used.user + used.system) / 1000);
      const reachable = [...everyCell(report.after)].every((outcome) => outcome.reachable);
      if (!reachable) throw new Error(`${sites} sites: not every pair is reachable after the VPN`);
      pairs = report.servers.length ** 2 - report.servers.length;
    }
    rows.push(
      `| ${String(sites).padStart(5)} | ${String(sites * SERVERS_PER_SITE).padStart(7)} | ${String(lines).padStart(9)} | ${pairs.toExponential(1).padStart(12)} | ${median(times).toFixed(0).padStart(9)} | ${median(cpu).toFixed(0).padStart(10)} |`,
    );
  }
  console.log(`computeReachability, hub-and-spoke, median of ${runs} runs (Node ${process.versions.node})`);
  // CPU time beside wall time: on a shared machine the wall clock also counts other processes.
  console.log('| sites | servers | set lines | server pairs | median ms | median CPU ms |');
  console.log('|------:|--------:|----------:|-------------:|----------:|-----------:|');
  for (const row of rows) console.log(row);
}
