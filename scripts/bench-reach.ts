// Benchmark: reach over what geostage really generates. Synthetic hub-and-spoke topologies
// (10 servers per site) go through load, resolve and gen-vyos; computeReachability then reads
// those files back. packages/reach/bench/reach.bench.ts measures reach alone on hand-written
// files with one route per remote LAN (no aggregation), its worst case.
// Run: npx node scripts/bench-reach.ts
import { performance } from 'node:perf_hooks';
import { generateNetwork } from '@geostage/gen-vyos';
import { computeReachability } from '@geostage/reach';
import { loadTopology, resolve, syntheticYaml } from '@geostage/schema';

const runs = Number(process.env.BENCH_RUNS ?? 3);
const sizes = process.argv.slice(2).map(Number);

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}

console.log(`runs per size: ${runs}; node ${process.version}`);
console.log('| sites | servers | generated files | set lines | reach ms (median) | min | max |');
console.log('|---:|---:|---:|---:|---:|---:|---:|');
for (const sites of sizes.length > 0 ? sizes : [10, 100, 1000]) {
  const loaded = loadTopology(
    syntheticYaml({ sites, serversPerSite: 10, policy: 'hub-and-spoke' }),
    'synthetic.yaml',
  );
  if (!loaded.topology) throw new Error(loaded.diagnostics[0]?.message);
  const { files } = generateNetwork(resolve(loaded.topology, 'synthetic.yaml'));
  const input = new Map(files.map((file) => [file.path, file.content]));
  const setLines = files
    .filter((file) => file.path.endsWith('.set'))
    .reduce(
      (sum, file) => sum + file.content.split('\n').filter((line) => line.startsWith('set ')).length,
      0,
    );
  const times: number[] = [];
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    computeReachability(input);
    times.push(performance.now() - started);
  }
  console.log(
    `| ${sites} | ${sites * 10} | ${files.length} | ${setLines} | ${median(times).toFixed(0)} | ${Math.min(...times).toFixed(0)} | ${Math.max(...times).toFixed(0)} |`,
  );
}
