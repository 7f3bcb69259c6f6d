// The tabular benchmark (issue 14): real outlier tables, PyOD's protocol (stratified 60/40 split, training part
// unlabelled and contaminated, features standardised on it), several seeds, memae's variants beside isolation
// forest, PCA and k-NN on the same splits in one run. Mean test AUROC per set and method with the seed spread.
//   /usr/bin/python3 bench/tabular_data.py            # once: builds the tables (bench/.cache/tabular)
//   LIBTORCH_NUM_THREADS=1 npx tsx bench/tabular.ts   # --seeds 0-4 --methods iforest,pca,knn,ae,memae --jobs 2
// --validation: score the validation part of the training data instead of the test part (choosing settings).
import { spawn } from 'node:child_process';
import { benchArgs } from './lib/args.js';
import { auroc, averagePrecision } from '../packages/memae/src/metrics/index.js';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseList, resultsDir } from './lib/results.js';
import { report, type Row } from './tabular-report.js';
import { listSets, protocolSplit, readTable } from './tabular-data.js';
import { parseMethod, runMethodScores } from './tabular-methods.js';

const { values: a } = benchArgs(import.meta.url, {
  options: {
    sets: { type: 'string', default: 'all' },
    seeds: { type: 'string', default: '0-4' },
    methods: { type: 'string', default: 'iforest,pca,knn,ae,memae' },
    jobs: { type: 'string', default: '2' },
    validation: { type: 'boolean', default: false },
    name: { type: 'string' },
    worker: { type: 'string' },
    /** also report each autoencoder's per-feature standardised error ("<method>/std") */
    'all-scores': { type: 'boolean', default: false },
  },
});

interface Unit { set: string; seed: number }

const methods = a.methods!.split(';').length > 1 ? a.methods!.split(';') : a.methods!.split(/,(?![^:]*=)/);

async function work(units: Unit[]): Promise<void> {
  const { initBackend } = await import('../packages/memae/src/backend/select.js');
  await initBackend('auto');
  for (const u of units) {
    const split = protocolSplit(readTable(u.set), u.seed, a.validation);
    for (const id of methods) {
      const t0 = performance.now();
      const scores = await runMethodScores(parseMethod(id), split, u.seed);
      const seconds = (performance.now() - t0) / 1000;
      for (const [method, s] of Object.entries(scores)) {
        if (!a['all-scores'] && method !== id) continue;
        const row: Row = { set: u.set, seed: u.seed, method, auroc: auroc(split.testY, s), ap: averagePrecision(split.testY, s), seconds };
        process.stdout.write(`${JSON.stringify(row)}\n`);
      }
    }
  }
}

function runWorker(units: Unit[], onRow: (r: Row) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const args = ['--import', 'tsx', process.argv[1], '--worker', JSON.stringify(units), '--methods', methods.join(';'), ...(a.validation ? ['--validation'] : []), ...(a['all-scores'] ? ['--all-scores'] : [])];
    const p = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, LIBTORCH_NUM_THREADS: process.env.LIBTORCH_NUM_THREADS ?? '1', LIBTORCH_FALLBACK_WARN: '0' } });
    let buf = '';
    p.stdout.on('data', (c: Buffer) => {
      buf += c.toString();
      let i;
      while ((i = buf.indexOf('\n')) >= 0) { const line = buf.slice(0, i); buf = buf.slice(i + 1); if (line.startsWith('{')) onRow(JSON.parse(line) as Row); }
    });
    p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`worker exited with ${code}`))));
  });
}

if (a.worker) {
  await work(JSON.parse(a.worker) as Unit[]);
} else {
  const all = listSets();
  const sets = a.sets === 'all' ? all.map((s) => s.name) : a.sets!.split(',');
  const seeds = parseList(a.seeds, [0, 1, 2, 3, 4]);
  // seed by seed (a run stopped early keeps whole seeds), biggest tables first within a seed
  const units: Unit[] = sets.flatMap((set) => seeds.map((seed) => ({ set, seed })))
    .sort((u, v) => u.seed - v.seed || (all.find((s) => s.name === v.set)?.rows ?? 0) - (all.find((s) => s.name === u.set)?.rows ?? 0));
  const jobs = Math.max(1, Math.min(Number(a.jobs), units.length));
  const rows: Row[] = [];
  const t0 = performance.now();
  const partial = join(resultsDir, `${a.name ?? (a.validation ? 'tabular-validation' : 'tabular')}.rows.jsonl`);
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(partial, '');
  await Promise.all(Array.from({ length: jobs }, (_, w) => runWorker(units.filter((_, i) => i % jobs === w), (r) => {
    rows.push(r);
    appendFileSync(partial, `${JSON.stringify(r)}\n`); // kept if the run is stopped early (bench/tabular-summary.ts)
    console.error(`${r.set} seed ${r.seed} ${r.method}: AUROC ${r.auroc.toFixed(4)} (${r.seconds.toFixed(1)} s)`);
  })));
  const { header, table, out } = report({ rows, sets, seeds, methods, all, validation: a.validation, name: a.name, argv: process.argv.slice(2), seconds: (performance.now() - t0) / 1000 });
  console.log(header + table);
  console.log(`wrote ${out.json}, ${out.md}`);
}
