// Writes the vtest anomaly benchmark (Ped2-like folder) — usage: npx tsx bench/make-vtest-data.ts [out] [size] [seed]
import { makeVtestBenchmark } from './video/vtest-data.js';

const out = process.argv[2] ?? 'runs/vtest-bench';
const size = Number(process.argv[3] ?? 128);
const seed = Number(process.argv[4] ?? 1);
const t0 = performance.now();
const m = await makeVtestBenchmark({ out, size, seed });
console.log(`wrote ${out} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
for (const e of m.events) console.log(`${e.video}: ${e.kind} frames ${e.first}-${e.last} (${e.speed} px/frame)`);
