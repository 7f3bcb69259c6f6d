// KDD Cup 99: where the gap comes from, measured on the TRAINING rows only (the protocol's "normal" class, attack
// connections). Reports duplicate rows, heavy-tailed numeric columns under min-max, the share of one-hot vs numeric
// features in the squared error, and, for a model fitted on a train part of the training rows, which attack kinds
// hold the highest-scored held-out (validation) rows. Test rows are never read past the split.
//   npx tsx bench/kdd-diagnose.ts --seed 0 --train-limit 40000 --epochs 10
import { benchArgs } from './lib/args.js';
import { kddSplit, readKddTable } from '../packages/memae/src/data/kdd.js';
import { trainValSplit } from '../packages/memae/src/data/split.js';
import type { ArrayDataset } from '../packages/memae/src/data/dataset.js';
import { fitDetector, type BenchVariant } from './lib/detector.js';
import { writeResults } from './lib/results.js';
import { optionalNumber } from './lib/options.js';

const { values: a } = benchArgs(import.meta.url, {
  options: {
    seed: { type: 'string', default: '0' },
    variant: { type: 'string', default: 'memae' },
    epochs: { type: 'string', default: '10' },
    lr: { type: 'string', default: '1e-3' },
    'batch-size': { type: 'string', default: '256' },
    'train-limit': { type: 'string' },
    log: { type: 'string', default: '' },
    name: { type: 'string', default: 'kdd-diagnose' },
  },
});
const seed = Number(a.seed);
const lines: string[] = [];
const say = (s: string) => { lines.push(s); console.log(s); };
const table = await readKddTable();
const logCols = a.log === 'auto' ? 'auto' : a.log ? a.log.split(',') : undefined;
const kdd = kddSplit(table, { seed, ...(logCols ? { log: logCols } : {}) });
const f = kdd.train.sampleShape[0];
const names = kdd.preprocessor.featureNames();
const kind = (row: number) => table.labelNames![table.classes![row]];

// 1. duplicates among the training rows (identical encoded rows)
const keyOf = (d: ArrayDataset, i: number) => Buffer.from(d.values.buffer, d.values.byteOffset + i * f * 4, f * 4).toString('base64');
const seen = new Map<string, number>();
for (let i = 0; i < kdd.train.size; i++) { const k = keyOf(kdd.train, i); seen.set(k, (seen.get(k) ?? 0) + 1); }
const perKind = new Map<string, { rows: number; unique: Set<string> }>();
for (let i = 0; i < kdd.train.size; i++) {
  const k = kind(kdd.trainRows[i]);
  const e = perKind.get(k) ?? { rows: 0, unique: new Set<string>() };
  e.rows++; e.unique.add(keyOf(kdd.train, i)); perKind.set(k, e);
}
const kinds = [...perKind.entries()].sort((x, y) => y[1].rows - x[1].rows).map(([k, e]) => ({ kind: k, rows: e.rows, unique: e.unique.size }));
say(`training rows ${kdd.train.size}, distinct ${seen.size} (${(100 * (1 - seen.size / kdd.train.size)).toFixed(1)}% duplicates)`);
for (const k of kinds) say(`  ${k.kind.padEnd(18)} rows ${String(k.rows).padStart(7)} distinct ${String(k.unique).padStart(6)}`);

// 2. numeric columns: how much of [0, 1] the 99th percentile of the training rows uses after min-max
const tails: { column: string; q50: number; q99: number }[] = [];
kdd.preprocessor.columns.forEach((c) => {
  if (c.kind !== 'numeric') return;
  const j = names.indexOf(c.name);
  const v = Float32Array.from({ length: kdd.train.size }, (_, i) => kdd.train.values[i * f + j]).sort();
  tails.push({ column: c.name, q50: v[Math.floor(0.5 * v.length)], q99: v[Math.floor(0.99 * v.length)] });
});
say('numeric columns whose training 99th percentile sits below 0.01 of the min-max range:');
for (const t of tails.filter((t) => t.q99 < 0.01 && t.q99 > 0)) say(`  ${t.column.padEnd(28)} median ${t.q50.toExponential(2)} q99 ${t.q99.toExponential(2)}`);

// 3. the per-feature variance (the squared-error share a model that predicts the mean would pay), numeric vs one-hot
let varNum = 0, varHot = 0;
for (let j = 0; j < f; j++) {
  let s = 0, s2 = 0;
  for (let i = 0; i < kdd.train.size; i++) { const x = kdd.train.values[i * f + j]; s += x; s2 += x * x; }
  const m = s / kdd.train.size, v = s2 / kdd.train.size - m * m;
  if (names[j].includes('=')) varHot += v; else varNum += v;
}
say(`variance of the training rows: numeric ${varNum.toFixed(3)}, one-hot ${varHot.toFixed(3)}`);

// 4. a model fitted on part of the training rows; which kinds hold the top-scored validation rows
const limit = optionalNumber(a['train-limit']);
const pool = limit && kdd.train.size > limit ? trainValSplit(kdd.train, 1 - limit / kdd.train.size, seed + 1000).train : kdd.train;
const sp = trainValSplit(pool, 0.2, seed);
const className = (c: number) => table.labelNames![c];
const det = await fitDetector(a.variant as BenchVariant, sp.train, sp.val, { seed, lr: Number(a.lr), epochs: Number(a.epochs), batchSize: Number(a['batch-size']), patience: 5, kind: 'tabular', encoderChannels: [120, 60, 30, 10, 3] });
const valScores = await det.score(sp.val);
const trScores = await det.score(sp.train);
det.dispose();
const order = Array.from(valScores.keys()).sort((x, y) => valScores[y] - valScores[x]);
const report: Record<string, unknown> = {};
for (const top of [0.01, 0.036, 0.1]) {
  const n = Math.round(top * order.length);
  const c = new Map<string, number>();
  for (const i of order.slice(0, n)) c.set(className(sp.val.classes![i]), (c.get(className(sp.val.classes![i])) ?? 0) + 1);
  const list = [...c.entries()].sort((x, y) => y[1] - x[1]);
  report[`top${top}`] = Object.fromEntries(list);
  say(`top ${(100 * top).toFixed(1)}% of validation scores (${n} rows): ${list.map(([k, v]) => `${k} ${v}`).join(', ')}`);
}
const tq = Float32Array.from(trScores).sort();
for (const q of [0.97, 0.99]) {
  const t = tq[Math.floor(q * tq.length)];
  const above = valScores.filter((s) => s > t).length / valScores.length;
  say(`validation rows above the training scores' ${q} quantile: ${(100 * above).toFixed(2)}%`);
  report[`valAboveTrainQ${q}`] = above;
}
const out = writeResults(a.name!, { args: a, kinds, tails, varNum, varHot, duplicates: 1 - seen.size / kdd.train.size, report }, `# KDD Cup 99: diagnosis on the training rows (seed ${seed})\n\nCommand: \`npx tsx bench/kdd-diagnose.ts ${process.argv.slice(2).join(' ')}\`\n\n\`\`\`\n${lines.join('\n')}\n\`\`\`\n`);
console.log(`wrote ${out.json}`);
