// The official 3D video net's batch-1 convolutions (memae's video AE, 16x64x64x1 clips, widths 96-128-256-256, no
// memory), called on the addon directly the way its replayed inference plan runs them: CPU us per call
// (process.cpuUsage over a chunk; median of --rounds chunks), each layer alone (with its bias and LeakyReLU) and the
// eight in sequence. Variants of the native switches alternate chunk by chunk in this one process:
// `--variants "conv3d=0;conv3d=1"` (setConv3dPath, native/conv.cc). PyTorch's counterpart:
// bench/profile/video3d_b1_kernels_torch.py (the same layers, NCDHW, with eval batch norm and LeakyReLU).
//   LIBTORCH_NUM_THREADS=1 npx tsx bench/profile/video3d-b1-kernels.ts [--calls 5] [--rounds 5] [--variants ...]
import { parseArgs } from 'node:util';
import { loadAddon } from 'tfjs-backend-libtorch';

const { values: o } = parseArgs({
  options: {
    calls: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '5' },
    variants: { type: 'string', default: 'default' },
    only: { type: 'string', default: '' },
  },
});
const calls = Number(o.calls), rounds = Number(o.rounds);
const a = loadAddon() as unknown as Record<string, (...args: unknown[]) => number>;
a.setThreads(Number(process.env.LIBTORCH_NUM_THREADS ?? 1));
const rnd = (s: number[]) => a.write(Float32Array.from({ length: s.reduce((x, y) => x * y, 1) }, () => Math.random() - 0.5), s, 0);
const LEAKY = 4;

type Layer = { name: string; run: (x: number) => number; input: number[] };
const layers: Layer[] = [];
// encoder: Conv3D 3x3x3 'same', strides [1,2,2] then [2,2,2] (tfjs pads 0/1 on the stride-2 dims of even sizes, 1/1
// on the stride-1 depth), bias + LeakyReLU(0.2) in the same kernel
const enc = [1, 96, 128, 256, 256];
let [d, h] = [16, 64];
for (let k = 0; k + 1 < enc.length; k++) {
  const [ci, co, dd, hh] = [enc[k], enc[k + 1], d, h];
  const sd = k === 0 ? 1 : 2;
  const pd = sd === 1 ? [1, 1] : [0, 1];
  const f = rnd([3, 3, 3, ci, co]), b = rnd([co]);
  layers.push({
    name: `conv ${dd}x${hh}x${hh}x${ci}->${co}`, input: [1, dd, hh, hh, ci],
    run: (x) => a.conv(x, f, b, [sd, 2, 2], [...pd, 0, 1, 0, 1], [1, 1, 1], 1, LEAKY, 0.2, 0),
  });
  d = dd / sd; h = hh / 2;
}
// decoder: Conv3DTranspose 3x3x3 'same' (tfjs filter [3, 3, 3, out, in]), bias + LeakyReLU except the last
const dec = [256, 256, 128, 96, 1];
for (let k = 0; k + 1 < dec.length; k++) {
  const [ci, co, dd, hh] = [dec[k], dec[k + 1], d, h];
  const last = k + 2 === dec.length;
  const sd = last ? 1 : 2;
  const pd = sd === 1 ? [1, 1] : [0, 1];
  const f = rnd([3, 3, 3, co, ci]), b = rnd([co]);
  layers.push({
    name: `convT ${dd}x${hh}x${hh}x${ci}->${co}`, input: [1, dd, hh, hh, ci],
    run: (x) => a.convTransposeBiasAct(x, f, [dd * sd, hh * 2, hh * 2], [sd, 2, 2], [...pd, 0, 1, 0, 1], [1, 1, 1], 1, b, last ? 0 : LEAKY, 0.2),
  });
  d = dd * sd; h = hh * 2;
}
const inputs = layers.map((l) => rnd(l.input));
const only = String(o.only);
const tasks: [string, () => void][] = layers.filter((l) => !only || l.name.includes(only)).map((l) => [l.name, () => a.free(l.run(inputs[layers.indexOf(l)]))]);
if (!only) {
  // the layers in sequence on fresh results, as a replay runs them (each freed after use)
  tasks.push([`sequence (${layers.length} layers)`, () => {
    let x = inputs[0];
    for (const l of layers) { const y = l.run(x); if (x !== inputs[0]) a.free(x); x = y; }
    a.free(x);
  }]);
}

const variants = String(o.variants).split(';').map((v) => v.trim()).filter(Boolean);
function apply(v: string): void {
  for (const kv of v.split(',')) {
    const [k, val] = kv.split('=');
    if (k === 'conv3d') a.setConv3dPath(Number(val));
    else if (k === 'cache') a.setConvFilterCache(val === '1');
  }
}
const per = new Map<string, Map<string, number[]>>(variants.map((v) => [v, new Map(tasks.map(([n]) => [n, [] as number[]]))]));
for (const v of variants) { apply(v); for (const [, f] of tasks) for (let i = 0; i < 2; i++) f(); }
for (let r = 0; r < rounds; r++) {
  for (const v of variants) {
    apply(v);
    for (const [name, f] of tasks) {
      f();
      const c0 = process.cpuUsage();
      for (let i = 0; i < calls; i++) f();
      const c = process.cpuUsage(c0);
      per.get(v)!.get(name)!.push((c.user + c.system) / calls);
    }
  }
}
const med = (xs: number[]) => [...xs].sort((p, q) => p - q)[xs.length >> 1];
console.log(['kernel'.padEnd(28), ...variants.map((v) => v.padEnd(14))].join(' '));
for (const [name] of tasks) console.log([name.padEnd(28), ...variants.map((v) => med(per.get(v)!.get(name)!).toFixed(0).padEnd(14))].join(' '));
console.log(JSON.stringify({ side: 'ours', model: 'video3d', batch: 1, variants: Object.fromEntries(variants.map((v) => [v, Object.fromEntries([...per.get(v)!].map(([n, xs]) => [n, med(xs)]))])) }));
