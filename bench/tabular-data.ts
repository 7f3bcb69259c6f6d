// The tabular benchmark's data: the tables bench/tabular_data.py builds, the PyOD protocol split (stratified
// 60/40, training part unlabelled and contaminated, features standardised on the training part).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mixSeeds, permutation } from '../packages/memae/src/data/random.js';

export const TABLE_DIR = join(dirname(fileURLToPath(import.meta.url)), '.cache', 'tabular');

export interface SetInfo { name: string; rows: number; features: number; anomalies: number; anomalyRate: number; source: string; licence: string; recipe: string }
export interface Table { name: string; x: Float32Array; y: Uint8Array; rows: number; features: number }
export interface Split { train: Float32Array; trainY: Uint8Array; test: Float32Array; testY: Uint8Array; features: number }

export function listSets(): SetInfo[] {
  const f = join(TABLE_DIR, 'sets.json');
  if (!existsSync(f)) throw new Error(`${f} not found: run /usr/bin/python3 bench/tabular_data.py first`);
  return JSON.parse(readFileSync(f, 'utf8')) as SetInfo[];
}

export function readTable(name: string): Table {
  const lines = readFileSync(join(TABLE_DIR, `${name}.csv`), 'utf8').trim().split('\n');
  const features = lines[0].split(',').length - 1;
  const rows = lines.length - 1;
  const x = new Float32Array(rows * features);
  const y = new Uint8Array(rows);
  for (let r = 0; r < rows; r++) {
    const v = lines[r + 1].split(',');
    for (let j = 0; j < features; j++) x[r * features + j] = Number(v[j]);
    y[r] = Number(v[features]);
  }
  return { name, x, y, rows, features };
}

/** Stratified split of `rows` into two parts (`fraction` of each class in the first), seeded. */
export function stratified(y: ArrayLike<number>, rows: ArrayLike<number>, fraction: number, seed: number): [number[], number[]] {
  const a: number[] = [], b: number[] = [];
  for (const cls of [0, 1]) {
    const idx = Array.from(rows).filter((r) => y[r] === cls);
    const p = permutation(idx.length, mixSeeds(seed, cls));
    const cut = Math.round(idx.length * fraction);
    for (let i = 0; i < idx.length; i++) (i < cut ? a : b).push(idx[p[i]]);
  }
  return [a.sort((u, v) => u - v), b.sort((u, v) => u - v)];
}

/** Rows `train` and `test` of x, standardised with the mean and std of the training rows. */
export function standardised(t: { x: Float32Array; y: ArrayLike<number>; features: number }, train: number[], test: number[]): Split {
  const f = t.features;
  const mu = new Float64Array(f), sd = new Float64Array(f);
  for (const r of train) for (let j = 0; j < f; j++) mu[j] += t.x[r * f + j] / train.length;
  for (const r of train) for (let j = 0; j < f; j++) sd[j] += (t.x[r * f + j] - mu[j]) ** 2 / train.length;
  for (let j = 0; j < f; j++) sd[j] = Math.sqrt(sd[j]) || 1;
  const take = (rows: number[]) => {
    const o = new Float32Array(rows.length * f);
    rows.forEach((r, i) => { for (let j = 0; j < f; j++) o[i * f + j] = (t.x[r * f + j] - mu[j]) / sd[j]; });
    return o;
  };
  return { train: take(train), trainY: Uint8Array.from(train, (r) => t.y[r]), test: take(test), testY: Uint8Array.from(test, (r) => t.y[r]), features: f };
}

/** PyOD's protocol: stratified 60/40 split by seed; with `validation`, the 60% training part is split again
 *  75/25 (stratified) and the 25% takes the place of the test part: settings are chosen there, never on test. */
export function protocolSplit(t: Table, seed: number, validation = false): Split {
  const all = Array.from({ length: t.rows }, (_, i) => i);
  const [train, test] = stratified(t.y, all, 0.6, seed);
  if (!validation) return standardised(t, train, test);
  const [fit, val] = stratified(t.y, train, 0.75, mixSeeds(seed, 0x7a1));
  return standardised(t, fit, val);
}
