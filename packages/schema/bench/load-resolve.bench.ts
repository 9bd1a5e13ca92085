// Benchmark: load (YAML with positions, ajv, semantic checks) and resolve, for growing
// synthetic hub-and-spoke topologies. Prints a table of medians over several runs.
// Run: npx nx run schema:bench   (or: npx node packages/schema/bench/load-resolve.bench.ts)
import { performance } from 'node:perf_hooks';
import { loadTopology } from '../src/load.ts';
import { resolve } from '../src/resolve.ts';
import { syntheticYaml } from '../src/synth.ts';

const runs = Number(process.env.BENCH_RUNS ?? 5);
const sizes = [10, 100, 1000];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

console.log(`runs per size: ${runs}; node ${process.version}`);
console.log('| sites | servers | yaml KB | load ms (median) | resolve ms (median) | total ms | heap MB |');
console.log('|---:|---:|---:|---:|---:|---:|---:|');
for (const sites of sizes) {
  const text = syntheticYaml({ sites, serversPerSite: 10, policy: 'hub-and-spoke' });
  const loads: number[] = [];
  const resolves: number[] = [];
  let heap = 0;
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    const loaded = loadTopology(text, 'synthetic.yaml');
    const loadedAt = performance.now();
    if (!loaded.topology) {
      throw new Error(
        `synthetic topology is invalid: ${loaded.diagnostics
          .slice(0, 3)
          .map((d) => d.message)
          .join('; ')}`,
      );
    }
    resolve(loaded.topology);
    const resolvedAt = performance.now();
    loads.push(loadedAt - started);
    resolves.push(resolvedAt - loadedAt);
    heap = Math.max(heap, process.memoryUsage().heapUsed);
  }
  const load = median(loads);
  const resolved = median(resolves);
  console.log(
    `| ${sites} | ${sites * 10} | ${(text.length / 1024).toFixed(0)} | ${load.toFixed(0)} | ${resolved.toFixed(0)} | ${(load + resolved).toFixed(0)} | ${(heap / 2 ** 20).toFixed(0)} |`,
  );
}
