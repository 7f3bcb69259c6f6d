// The "your own data: a table" recipe run end to end through the real `memae` command on real KDD Cup 99 rows:
// train on one CSV (normal traffic), evaluate on another (the "corrected" test file), score new rows, and check that
// a row scored alone gets the score it gets inside the file. Baseline from the same run: the plain autoencoder
// (--variant ae) with the same data and budget.
//   npx tsx bench/csv-recipe.ts [--train-rows 3000] [--test-rows 2000] [--seed 1] [--epochs N]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { KDD_COLUMNS, kddPath } from '../packages/memae/src/data/kdd.js';
import { markdownTable, writeResults } from './lib/results.js';

const arg = (k: string, d?: number) => {
  const i = process.argv.indexOf(`--${k}`);
  return i >= 0 ? Number(process.argv[i + 1]) : d;
};
const trainRows = arg('train-rows', 3000)!;
const testRows = arg('test-rows', 2000)!;
const seed = arg('seed', 1)!;
const epochs = arg('epochs');
const BIN = join(import.meta.dirname, '..', 'packages/memae/bin/memae.mjs');
const dir = mkdtempSync(join(tmpdir(), 'memae-csv-recipe-'));

/** `n` rows spread evenly over a gzipped KDD file, with the header. */
function sample(gz: string, n: number, out: string): string {
  const lines = gunzipSync(readFileSync(gz)).toString('utf8').split('\n').filter((l) => l);
  const step = lines.length / n;
  const rows = Array.from({ length: n }, (_, i) => lines[Math.floor(i * step)]);
  writeFileSync(out, [KDD_COLUMNS.join(','), ...rows].join('\n') + '\n');
  return out;
}

function memae(args: string[]): { out: string; seconds: number } {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`memae ${args.join(' ')} -> ${r.status}: ${r.stderr}`);
  return { out: r.stdout, seconds: (performance.now() - t0) / 1000 };
}

try {
  const train = sample(kddPath(), trainRows, join(dir, 'train.csv'));
  const test = sample(kddPath().replace('kddcup.data_10_percent.gz', 'corrected.gz'), testRows, join(dir, 'test.csv'));
  const budget = epochs ? ['--epochs', String(epochs)] : [];
  const runs: Record<string, unknown>[] = [];
  for (const variant of ['memae', 'ae']) {
    const out = join(dir, variant);
    const cmd = ['train', '--data', 'csv', '--data-path', train, '--label-column', 'label', '--normal-labels', 'normal.', '--test-data', test, '--variant', variant, '--seed', String(seed), ...budget, '--json', '-o', out];
    const t = memae(cmd);
    const r = JSON.parse(t.out) as { auroc: number; auprc: number; epochs: number; trainSeconds: number };
    runs.push({ variant, auroc: r.auroc, auprc: r.auprc, epochs: r.epochs, trainSeconds: r.trainSeconds, wallSeconds: t.seconds });
    console.log(`${variant}: AUROC ${r.auroc.toFixed(4)} AUPRC ${r.auprc.toFixed(4)} (${r.epochs} epochs, train ${r.trainSeconds.toFixed(1)} s, wall ${t.seconds.toFixed(1)} s)`);
  }
  // score every test row, then one row alone: the same number
  const model = join(dir, 'memae', 'model');
  const all = memae(['score', model, test, '--json']);
  const scores = (JSON.parse(all.out) as { scores: number[] }).scores;
  const k = Math.floor(testRows / 2);
  const lines = readFileSync(test, 'utf8').split('\n');
  const one = join(dir, 'one.csv');
  writeFileSync(one, `${lines[0]}\n${lines[k + 1]}\n`);
  const alone = (JSON.parse(memae(['score', model, one, '--json']).out) as { scores: number[] }).scores[0];
  console.log(`score: ${scores.length} rows in ${all.seconds.toFixed(1)} s wall; row ${k + 1} alone ${alone} vs in the file ${scores[k]}`);
  const result = { command: `npx tsx bench/csv-recipe.ts --train-rows ${trainRows} --test-rows ${testRows} --seed ${seed}${epochs ? ` --epochs ${epochs}` : ''}`, trainRows, testRows, seed, runs, scoredRows: scores.length, scoreWallSeconds: all.seconds, aloneVsFile: { row: k + 1, alone, inFile: scores[k] } };
  const md = markdownTable(['variant', 'AUROC', 'AUPRC', 'epochs', 'train s'], runs.map((r) => [String(r.variant), (r.auroc as number).toFixed(4), (r.auprc as number).toFixed(4), String(r.epochs), (r.trainSeconds as number).toFixed(1)]));
  const files = writeResults('csv-recipe', result, `# ${result.command}\n\n${md}`);
  console.log(`wrote ${files.json}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
