// Benchmark: network generation (VyOS set scripts + config.boot, netplan) for synthetic
// hub-and-spoke topologies, 10 servers per site. Prints medians; not a test.
// Run: npx nx run gen-vyos:bench
import { performance } from 'node:perf_hooks';
import { loadTopology, resolve, syntheticYaml } from '@geostage/schema';
import { generateNetwork } from '../src/index.ts';

const runs = Number(process.env.BENCH_RUNS ?? 3);

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}

console.log(`runs per size: ${runs}; node ${process.version}`);
console.log('| sites | servers | files | MB | load+resolve ms | generate ms (median) | heap MB |');
console.log('|---:|---:|---:|---:|---:|---:|---:|');
for (const sites of [10, 100, 1000]) {
  const text = syntheticYaml({ sites, serversPerSite: 10, policy: 'hub-and-spoke' });
  const started = performance.now();
  const loaded = loadTopology(text, 'synthetic.yaml');
  if (!loaded.topology) throw new Error(loaded.diagnostics[0]?.message);
  const model = resolve(loaded.topology, 'synthetic.yaml');
  const prepared = performance.now() - started;
  const times: number[] = [];
  let files = 0;
  let bytes = 0;
  for (let run = 0; run < runs; run++) {
    const t = performance.now();
    const result = generateNetwork(model);
    times.push(performance.now() - t);
    files = result.files.length;
    bytes = result.files.reduce((sum, file) => sum + file.content.length, 0);
  }
  const heap = process.memoryUsage().heapUsed / 2 ** 20;
  console.log(
    `| ${sites} | ${sites * 10} | ${files} | ${(bytes / 2 ** 20).toFixed(1)} | ${prepared.toFixed(0)} | ${median(times).toFixed(0)} | ${heap.toFixed(0)} |`,
  );
}
