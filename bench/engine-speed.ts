// Engine speed benchmark (docs/engine.md): the reference model (reference-model.ts) trained and
// run for inference on the libtorch backend, against the same model in PyTorch
// (engine_speed_torch.py, Debian's python3-torch, same thread count), in one run.
//   npx tsx bench/engine-speed.ts [--threads 2] [--train-steps 60] [--infer-steps 200] [--leak-steps 1000] [--rounds 3] [--nchw]
// Prints a table and writes bench/results/engine-speed.json.
import * as tf from '@tensorflow/tfjs-core';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { LibtorchBackend, loadAddon, registerLibtorchBackend } from 'tfjs-backend-libtorch';
import { IMAGE, infer, referenceModel, trainer } from './reference-model.js';

const here = dirname(fileURLToPath(import.meta.url));
const { values: o } = parseArgs({
  options: {
    threads: { type: 'string', default: '2' },
    batch: { type: 'string', default: '64' },
    'train-steps': { type: 'string', default: '60' },
    'infer-steps': { type: 'string', default: '200' },
    'leak-steps': { type: 'string', default: '1000' },
    rounds: { type: 'string', default: '3' },
    nchw: { type: 'boolean', default: false },
  },
});
const threads = Number(o.threads), batch = Number(o.batch), rounds = Number(o.rounds);
const trainSteps = Number(o['train-steps']), inferSteps = Number(o['infer-steps']), leakSteps = Number(o['leak-steps']);

interface Side { train: number; infer: number; peakRssMb: number; baseRssMb?: number }

function torchSide(): Side & { torch: string } {
  const r = spawnSync('/usr/bin/python3', [join(here, 'engine_speed_torch.py'), '--threads', String(threads), '--batch', String(batch),
    '--train-steps', String(trainSteps), '--infer-steps', String(inferSteps)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`PyTorch side failed (is python3-torch installed?): ${r.stderr.trim().split('\n').pop()}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() as string);
}

// Resident memory once the runtimes are loaded (node + tsx + tfjs + libtorch / python + torch).
registerLibtorchBackend({ threads });
await tf.setBackend('libtorch');
const baseRssMb = process.resourceUsage().maxRSS / 1024;
if (o.nchw) loadAddon().setConvChannelsLast(false);
const backend = tf.backend() as LibtorchBackend;
const model = referenceModel();
const step = trainer(model);
const x = tf.randomUniform([batch, IMAGE, IMAGE, 1], 0, 1, 'float32', 1);
const sync = async () => { await tf.tidy(() => tf.sum(model.getWeights()[0])).data(); };

async function libtorchSide(): Promise<Side> {
  for (let i = 0; i < 5; i++) step(x);
  await sync();
  let t0 = performance.now();
  for (let i = 0; i < trainSteps; i++) step(x);
  await sync();
  const train = (batch * trainSteps) / ((performance.now() - t0) / 1000);
  for (let i = 0; i < 5; i++) infer(model, x).dispose();
  t0 = performance.now();
  for (let i = 0; i < inferSteps; i++) {
    const y = infer(model, x);
    if (i === inferSteps - 1) await y.data();
    y.dispose();
  }
  const inf = (batch * inferSteps) / ((performance.now() - t0) / 1000);
  return { train, infer: inf, peakRssMb: process.resourceUsage().maxRSS / 1024 };
}

// Rounds alternate the two sides so that both see the same machine load; the best round counts.
const ours: Side[] = [], theirs: (Side & { torch: string })[] = [];
for (let r = 0; r < rounds; r++) {
  theirs.push(torchSide());
  ours.push(await libtorchSide());
}
const best = <T extends Side>(xs: T[]): T => ({ ...xs[0], train: Math.max(...xs.map((s) => s.train)), infer: Math.max(...xs.map((s) => s.infer)), peakRssMb: Math.max(...xs.map((s) => s.peakRssMb)) });
const a = best(ours), p = best(theirs);

// Tensor counts over many training steps: both must stay flat (no leaks). Counts do not depend on
// the batch size, so this phase uses batches of 8 to keep the run short.
const x8 = tf.randomUniform([8, IMAGE, IMAGE, 1], 0, 1, 'float32', 2);
const counts: { step: number; tfjs: number; native: number }[] = [];
for (let i = 1; i <= leakSteps; i++) {
  step(x8);
  if (i === 1 || i % Math.max(1, Math.floor(leakSteps / 10)) === 0) counts.push({ step: i, tfjs: tf.memory().numTensors, native: backend.numNativeTensors() });
}
const flat = counts.every((c) => c.tfjs === counts[0].tfjs && c.native === counts[0].native);
const rssMb = process.resourceUsage().maxRSS / 1024;

const fmt = (v: number) => v.toFixed(1).padStart(10);
console.log(`reference model, batch ${batch}, ${threads} threads, best of ${rounds} rounds (${trainSteps} train / ${inferSteps} inference steps each)${o.nchw ? ', NCHW copies' : ''}`);
console.log(`${''.padEnd(26)}${'libtorch'.padStart(10)}${'PyTorch'.padStart(10)}${'ratio'.padStart(10)}`);
console.log(`${'train samples/s'.padEnd(26)}${fmt(a.train)}${fmt(p.train)}${(a.train / p.train).toFixed(2).padStart(10)}`);
console.log(`${'inference samples/s'.padEnd(26)}${fmt(a.infer)}${fmt(p.infer)}${(a.infer / p.infer).toFixed(2).padStart(10)}`);
console.log(`${'peak RSS MB'.padEnd(26)}${fmt(rssMb)}${fmt(p.peakRssMb)}${(rssMb / p.peakRssMb).toFixed(2).padStart(10)}`);
console.log(`${'  of which runtime loaded'.padEnd(26)}${fmt(baseRssMb)}${fmt(p.baseRssMb ?? NaN)}`);
console.log(`${'  model + training'.padEnd(26)}${fmt(rssMb - baseRssMb)}${fmt(p.peakRssMb - (p.baseRssMb ?? NaN))}${((rssMb - baseRssMb) / (p.peakRssMb - (p.baseRssMb ?? NaN))).toFixed(2).padStart(10)}`);
console.log(`tensor counts over ${leakSteps} training steps (tfjs / native): ${counts.map((c) => `${c.step}: ${c.tfjs}/${c.native}`).join(', ')} -> ${flat ? 'flat' : 'GROWING'}`);

const out = join(here, 'results', 'engine-speed.json');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify({
  date: new Date().toISOString(), batch, threads, trainSteps, inferSteps, rounds, layout: o.nchw ? 'nchw' : 'channels_last',
  libtorch: { ...a, peakRssMb: rssMb, baseRssMb, rounds: ours }, pytorch: { ...p, rounds: theirs },
  ratio: { train: a.train / p.train, infer: a.infer / p.infer, peakRss: rssMb / p.peakRssMb },
  tensorCounts: counts, flat,
}, null, 2));
console.log(`wrote ${out}`);
