// Where the fixed cost of a step goes on the libtorch backend (docs/engine.md "Fixed cost per kernel"): one
// process, the reference model (bench/reference-model.ts) at a small batch (kernel work small), a training step
// (memae's fused Adam), an inference step (`model.apply` in tidy) and memae's scoring call (scoreModel), each timed three ways in the same run:
//   - nested timers: every addon function (native time, N-API crossing included), every registered libtorch
//     kernelFunc (the backend's wrapper + native), every engine clone (tfjs' saved-tensor copies, an Identity
//     kernel each) and the rest (tfjs engine bookkeeping, ops, gradients, tf.layers);
//   - V8's sampling CPU profiler (node:inspector), self time summed by where the code lives (tfjs-core engine,
//     tfjs-core ops / gradients, tfjs-layers, this backend's JS, native addon functions, GC);
//   - kernel counts per step by name (tf.profile).
//   LIBTORCH_NUM_THREADS=1 npx tsx bench/profile/step-cost.ts [--batch 2] [--steps 300] [--warm 200] [--json FILE]
import * as tf from '@tensorflow/tfjs-core';
import { timeAddonCalls } from './addon-timer.js';
import { Session } from 'node:inspector/promises';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { benchArgs } from '../lib/args.js';
import { KernelConfig, getKernelsForBackend } from '@tensorflow/tfjs-core';
import { loadAddon, registerLibtorchBackend } from 'tfjs-backend-libtorch';
import { IMAGE, infer, referenceModel, trainer } from '../reference-model.js';
import { ArrayDataset } from '../../packages/memae/src/data/dataset.js';
import { resolveConfig } from '../../packages/memae/src/models/config.js';
import { scoreModel } from '../../packages/memae/src/score/score.js';

const { values: o } = benchArgs(import.meta.url, { options: {
  batch: { type: 'string', default: '2' }, steps: { type: 'string', default: '300' }, warm: { type: 'string', default: '200' },
  json: { type: 'string' },
} });
const steps = Number(o.steps), warm = Number(o.warm), batch = Number(o.batch);
registerLibtorchBackend({ threads: 1 });
await tf.setBackend('libtorch');

// ---- timers ----
const addon = loadAddon();
let timing = false;
const acc = { native: 0, nativeCalls: 0, kernel: 0, kernelCalls: 0, clone: 0, clones: 0, kernelInClones: 0 };
let inClone = false;
const byNative = new Map<string, { ms: number; calls: number }>();
timeAddonCalls(addon, () => timing, (name, dt) => {
  acc.native += dt;
  acc.nativeCalls++;
  const b = byNative.get(name) ?? { ms: 0, calls: 0 };
  b.ms += dt;
  b.calls++;
  byNative.set(name, b);
});
for (const k of getKernelsForBackend('libtorch') as KernelConfig[]) {
  const f = k.kernelFunc;
  (k as { kernelFunc: KernelConfig['kernelFunc'] }).kernelFunc = ((args: Parameters<typeof f>[0]) => {
    if (!timing) return f(args);
    const t0 = performance.now();
    try { return f(args); } finally { const dt = performance.now() - t0; acc.kernel += dt; acc.kernelCalls++; if (inClone) acc.kernelInClones += dt; }
  }) as KernelConfig['kernelFunc'];
}
const eng = tf.engine() as unknown as { clone(x: tf.Tensor): tf.Tensor };
const clone = eng.clone.bind(eng);
eng.clone = (x) => {
  if (!timing) return clone(x);
  const t0 = performance.now();
  inClone = true;
  try { return clone(x); } finally { inClone = false; acc.clone += performance.now() - t0; acc.clones++; }
};

const model = referenceModel();
const x = tf.randomUniform([batch, IMAGE, IMAGE, 1], 0, 1, 'float32', 1);
const train = trainer(model, 1e-3, 'memae');
const cfg = resolveConfig({ kind: 'image', variant: 'ae', inputShape: [IMAGE, IMAGE, 1] });
const data = new ArrayDataset(await x.data() as Float32Array, cfg.inputShape);
const cases: Record<string, () => Promise<void> | void> = {
  train: () => train(x),
  infer: () => infer(model, x).dispose(),
  // memae's scoring call (the service's per-request path): upload, the cached inference plan, errors, read back
  score: async () => { await scoreModel(model, cfg, data, { batchSize: batch }); },
};

async function timed(f: () => Promise<void> | void) {
  for (let i = 0; i < warm; i++) await f();
  for (const k of Object.keys(acc) as (keyof typeof acc)[]) acc[k] = 0;
  byNative.clear();
  timing = true;
  const c0 = process.cpuUsage(), t0 = performance.now();
  for (let i = 0; i < steps; i++) await f();
  const wall = performance.now() - t0, c = process.cpuUsage(c0);
  timing = false;
  const us = (ms: number) => Math.round((ms / steps) * 1000);
  // tfjs' clones run an Identity kernel each (in kernel time and in clone time: counted once in `rest`)
  return {
    stepUs: us(wall), cpuUs: Math.round((c.user + c.system) / steps),
    nativeUs: us(acc.native), nativeCalls: acc.nativeCalls / steps,
    kernelJsUs: us(acc.kernel - acc.native), kernels: acc.kernelCalls / steps,
    cloneUs: us(acc.clone), clones: acc.clones / steps,
    restUs: us(wall - acc.kernel - acc.clone + acc.kernelInClones),
    nativeByFunction: Object.fromEntries([...byNative].sort((p, q) => q[1].ms - p[1].ms)
      .map(([n, v]) => [n, { us: us(v.ms), calls: v.calls / steps }])),
  };
}

async function kernelsByName(f: () => Promise<void> | void) {
  const p = await tf.profile(async () => { await f(); });
  const hist: Record<string, number> = {};
  for (const k of p.kernels) hist[k.name] = (hist[k.name] ?? 0) + 1;
  return { total: p.kernels.length, byName: Object.fromEntries(Object.entries(hist).sort((a, b) => b[1] - a[1])) };
}

interface Node { callFrame: { functionName: string; url: string }; id: number; hitCount?: number }
function bucket(n: Node): string {
  const { url, functionName } = n.callFrame;
  if (url === '') {
    if (functionName.startsWith('(')) return functionName; // (garbage collector), (program), (idle)
    // node-addon-api routes every addon function through one callback: V8 names them all after one of them
    return Object.hasOwn(addon, functionName) ? 'native addon' : 'node/V8 builtins';
  }
  if (url.includes('tfjs-core/dist/engine')) return 'tfjs-core engine';
  if (url.includes('tfjs-core/dist/tape')) return 'tfjs-core tape (backprop)';
  if (url.includes('tfjs-core/dist/gradients') || url.includes('_grad')) return 'tfjs-core gradients';
  if (url.includes('tfjs-core/dist/kernel_registry')) return 'tfjs-core kernel registry';
  if (url.includes('tfjs-core/dist/tensor')) return 'tfjs-core Tensor';
  if (url.includes('tfjs-core')) return 'tfjs-core ops and util';
  if (url.includes('tfjs-layers')) return 'tfjs-layers';
  if (url.includes('tfjs-backend-libtorch')) return 'backend JS (tfjs-backend-libtorch)';
  if (url.includes('/packages/memae/') || url.includes('/bench/')) return 'memae / bench';
  return 'other JS';
}

async function cpuProfile(f: () => Promise<void> | void) {
  for (let i = 0; i < warm; i++) await f();
  const s = new Session();
  s.connect();
  await s.post('Profiler.enable');
  await s.post('Profiler.setSamplingInterval', { interval: 100 });
  await s.post('Profiler.start');
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) await f();
  const wall = performance.now() - t0;
  const { profile } = await s.post('Profiler.stop') as unknown as { profile: { nodes: Node[]; samples: number[] } };
  s.disconnect();
  const hits = new Map<number, number>();
  for (const id of profile.samples) hits.set(id, (hits.get(id) ?? 0) + 1);
  const out: Record<string, number> = {}, fns: Record<string, number> = {};
  let total = 0;
  for (const n of profile.nodes) {
    const h = hits.get(n.id) ?? 0;
    if (h === 0) continue;
    const b = bucket(n);
    out[b] = (out[b] ?? 0) + h;
    const fn = `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.split('/').slice(-2).join('/')}`;
    fns[fn] = (fns[fn] ?? 0) + h;
    total += h;
  }
  // shares of the samples, as us per step of the profiled run's wall time (the profiler slows the run down)
  const perStep = (e: [string, number][]) => Object.fromEntries(e.sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, Math.round(((v / total) * wall * 1000) / steps)]));
  return { wallUsPerStep: Math.round((wall * 1000) / steps), buckets: perStep(Object.entries(out)), top: Object.fromEntries(Object.entries(perStep(Object.entries(fns))).slice(0, 40)) };
}

const result: Record<string, unknown> = { batch, steps, warm, threads: 1 };
for (const [name, f] of Object.entries(cases)) {
  const before = tf.memory().numTensors;
  const t = await timed(f);
  const prof = await cpuProfile(f);
  const k = await kernelsByName(f);
  result[name] = { timers: t, cpuProfileUsPerStep: prof, kernels: k, tensorsFlat: tf.memory().numTensors === before };
  console.log(`${name} (batch ${batch}, 1 thread, ${steps} steps after ${warm}):`);
  console.log(`  step ${t.stepUs} us wall, ${t.cpuUs} us CPU; ${k.total} kernels (${Object.entries(k.byName).slice(0, 6).map(([n, c]) => `${n} ${c}`).join(', ')})`);
  console.log(`  timers: native ${t.nativeUs} us (${t.nativeCalls} calls), kernel wrappers' JS ${t.kernelJsUs} us (${t.kernels} kernels), engine clones ${t.cloneUs} us (${t.clones}), rest (engine, ops, gradients, layers) ${t.restUs} us`);
  console.log(`  native by function, us per step (calls): ${Object.entries(t.nativeByFunction).slice(0, 14).map(([n, v]) => `${n} ${v.us} (${v.calls})`).join(', ')}`);
  console.log(`  V8 profile (${prof.wallUsPerStep} us per profiled step), us per step: ${Object.entries(prof.buckets).map(([b, v]) => `${b} ${v}`).join('; ')}`);
  console.log(`  top functions: ${Object.entries(prof.top).slice(0, 25).map(([b, v]) => `${b} ${v}`).join('; ')}`);
}
if (o.json) {
  mkdirSync(dirname(o.json), { recursive: true });
  writeFileSync(o.json, JSON.stringify(result, null, 2));
}
