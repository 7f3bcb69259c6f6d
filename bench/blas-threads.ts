// OpenBLAS's own thread pool beside libtorch's (docs/engine.md, "One OpenBLAS thread"): the tabular MemAE's
// training (its dense layers are BLAS calls) timed in fresh processes with OPENBLAS_NUM_THREADS = 1 (the addon's
// default) and = the core count (OpenBLAS's default before), the settings alternating per round, libtorch at
// --threads. The table's values only shape the work: random rows of --rows x --features.
//   npx tsx bench/blas-threads.ts [--threads 2] [--rounds 3] [--rows 20000] [--features 120] [--epochs 20] [--batch 256]
// Prints a table and writes bench/results/<name>.json and .md.
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { benchArgs } from './lib/args.js';
import { markdownTable, writeResults } from './lib/results.js';

const { values: o } = benchArgs(import.meta.url, {
  options: {
    threads: { type: 'string', default: '2' },
    rounds: { type: 'string', default: '3' },
    rows: { type: 'string', default: '20000' },
    features: { type: 'string', default: '120' },
    epochs: { type: 'string', default: '20' },
    batch: { type: 'string', default: '256' },
    name: { type: 'string', default: 'blas-threads' },
    child: { type: 'boolean', default: false },
  },
});

if (o.child) {
  // one timed fit in this process: its OpenBLAS pool was sized from the environment when the addon loaded
  const { MemAE } = await import('../packages/memae/src/index.js');
  const n = Number(o.rows), d = Number(o.features);
  let s = 1;
  const rnd = () => (s = (s * 16807) % 2147483647) / 2147483647;
  const rows = Array.from({ length: n }, () => Array.from({ length: d }, rnd));
  const det = await MemAE.create({ kind: 'tabular', inputShape: [d], ensemble: 1, seed: 0 });
  const t0 = performance.now();
  const res = await det.fit(rows, { epochs: Number(o.epochs), batchSize: Number(o.batch) });
  const loss = res.history.at(-1)!.loss; // the same to the last bit whatever OpenBLAS's thread count (checked below)
  console.log(JSON.stringify({ fitS: (performance.now() - t0) / 1000, openblas: process.env.OPENBLAS_NUM_THREADS, loss }));
  process.exit(0);
}

const cores = availableParallelism();
const settings = ['1', String(cores)];
const rounds = Number(o.rounds);
const times: Record<string, number[]> = Object.fromEntries(settings.map((k) => [k, []]));
const losses = new Set<number>();
const self = fileURLToPath(import.meta.url);
const pass = ['rows', 'features', 'epochs', 'batch'].flatMap((k) => [`--${k}`, String(o[k as keyof typeof o])]);
for (let r = 0; r < rounds; r++) {
  for (const ob of r % 2 ? [...settings].reverse() : settings) {
    const p = spawnSync(process.execPath, ['--import', 'tsx', self, '--child', ...pass], {
      env: { ...process.env, LIBTORCH_NUM_THREADS: String(o.threads), OPENBLAS_NUM_THREADS: ob }, encoding: 'utf8',
    });
    if (p.status !== 0) throw new Error(`child with OPENBLAS_NUM_THREADS=${ob} failed: ${p.stderr}`);
    const child = JSON.parse(p.stdout.trim().split('\n').pop()!) as { fitS: number; openblas: string; loss: number };
    if (child.openblas !== ob) throw new Error(`child ran with OPENBLAS_NUM_THREADS=${child.openblas}, not ${ob}`);
    times[ob].push(child.fitS);
    losses.add(child.loss);
    process.stderr.write(`round ${r + 1}/${rounds}, OpenBLAS ${ob}: fit ${times[ob].at(-1)!.toFixed(2)} s\n`);
  }
}
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const m1 = median(times['1']), mc = median(times[String(cores)]);
const md = `# OpenBLAS threads beside libtorch's: tabular MemAE training\n\n${o.rows} x ${o.features} rows, ${o.epochs} epochs, batch ${o.batch}, libtorch ${o.threads} threads, ${rounds} rounds (fresh processes, alternating), fit seconds\n\n` +
  markdownTable(['OPENBLAS_NUM_THREADS', 'median s', 'rounds s'], settings.map((k) => [k, median(times[k]).toFixed(2), times[k].map((t) => t.toFixed(2)).join(', ')])) +
  `\n\nspeed-up of one OpenBLAS thread over ${cores}: ${(mc / m1).toFixed(2)}x; final training loss ${losses.size === 1 ? 'bit-identical in every process' : `differs: ${[...losses].join(', ')}`}\n\nCommand: \`npx tsx bench/blas-threads.ts ${process.argv.slice(2).join(' ')}\`\n`;
process.stdout.write(md);
writeResults(String(o.name), { date: new Date().toISOString(), cores, threads: Number(o.threads), rows: Number(o.rows), features: Number(o.features), epochs: Number(o.epochs), batch: Number(o.batch), fitSeconds: times, speedup: mc / m1, finalLosses: [...losses] }, md);
