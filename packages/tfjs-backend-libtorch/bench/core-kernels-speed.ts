// Time per call of some native kernels of the elementwise / reduction / shape families on
// `libtorch` against tfjs' `cpu` backend (median of repeated runs, results read back each time).
//   npx tsx packages/tfjs-backend-libtorch/bench/core-kernels-speed.ts
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { registerLibtorchBackend } from '../src/index.js';

registerLibtorchBackend();
const here = dirname(fileURLToPath(import.meta.url));

type Case = [string, number[], (x: tf.Tensor) => tf.Tensor | tf.Tensor[]];
const big = [256, 1024];
const cases: Case[] = [
  ['sum over axis 0 [256,1024]', big, (x) => tf.sum(x, 0)],
  ['mean over all [256,1024]', big, (x) => tf.mean(x)],
  ['max over axis 1 [256,1024]', big, (x) => tf.max(x, 1)],
  ['argMax over axis 1 [256,1024]', big, (x) => tf.argMax(x, 1)],
  ['transpose [256,1024]', big, (x) => tf.transpose(x)],
  ['concat 2x [256,1024] axis 1', big, (x) => tf.concat([x, x], 1)],
  ['slice [256,1024] -> [128,512]', big, (x) => tf.slice(x, [64, 256], [128, 512])],
  ['gather 256 rows of [256,1024]', big, (x) => tf.gather(x, tf.range(255, -1, -1, 'int32'))],
  ['pad [256,1024] by 2', big, (x) => tf.pad(x, [[2, 2], [2, 2]])],
  ['cast float32 -> int32 [256,1024]', big, (x) => tf.cast(x, 'int32')],
  ['sin [256,1024]', big, (x) => tf.sin(x)],
  ['where [256,1024]', big, (x) => tf.where(tf.greater(x, 0), x, tf.neg(x))],
  ['cumsum axis 1 [256,1024]', big, (x) => tf.cumsum(x, 1)],
  ['sum over axis 0 [8,16]', [8, 16], (x) => tf.sum(x, 0)],
];

async function time(backend: string, shape: number[], fn: Case[2], reps: number): Promise<number> {
  await tf.setBackend(backend);
  const x = tf.randomUniform(shape, -1, 1);
  const once = () => tf.tidy(() => { const r = fn(x); (Array.isArray(r) ? r : [r]).forEach((t) => t.dataSync()); });
  for (let i = 0; i < 3; i++) once();
  const ts: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    once();
    ts.push(performance.now() - t0);
  }
  x.dispose();
  ts.sort((a, b) => a - b);
  return ts[Math.floor(ts.length / 2)];
}

const rows: { op: string; libtorchMs: number; cpuMs: number }[] = [];
for (const [op, shape, fn] of cases) {
  const reps = shape[0] * shape[1] > 1000 ? 30 : 300;
  rows.push({ op, libtorchMs: await time('libtorch', shape, fn, reps), cpuMs: await time('cpu', shape, fn, reps) });
}
console.log(`threads: ${(tf.findBackend('libtorch') as unknown as { addon: { getThreads(): number } }).addon.getThreads()}`);
console.log('| op | libtorch ms | cpu ms | speed-up |\n|---|---|---|---|');
for (const r of rows) console.log(`| ${r.op} | ${r.libtorchMs.toFixed(3)} | ${r.cpuMs.toFixed(3)} | ${(r.cpuMs / r.libtorchMs).toFixed(1)}x |`);
const out = join(here, 'results', 'core-kernels-speed.json');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(rows, null, 1)}\n`);
