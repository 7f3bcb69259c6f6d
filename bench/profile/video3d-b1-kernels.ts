// The official 3D video net's batch-1 convolutions (memae's video AE, 16x64x64x1 clips, widths 96-128-256-256, no
// memory), called on the addon directly the way its replayed inference plan runs them: CPU us per call
// (process.cpuUsage over a chunk; median of --rounds chunks), each layer alone (with its bias and LeakyReLU) and the
// eight in sequence. Variants of the native switches alternate chunk by chunk in this one process:
// `--variants "conv3d=0;conv3d=1"` (setConv3dPath, native/conv.cc). PyTorch's counterpart:
// bench/profile/video3d_b1_kernels_torch.py (the same layers, NCDHW, with eval batch norm and LeakyReLU).
//   LIBTORCH_NUM_THREADS=1 npx tsx bench/profile/video3d-b1-kernels.ts [--calls 5] [--rounds 5] [--variants ...]
import { benchArgs } from '../lib/args.js';
import { profileAddon, profileLayers, type Layer } from './kernel-timing.js';

const { values: o } = benchArgs(import.meta.url, {
  options: {
    calls: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '5' },
    variants: { type: 'string', default: 'default' },
    only: { type: 'string', default: '' },
  },
});
const calls = Number(o.calls), rounds = Number(o.rounds);
const { a, rnd } = profileAddon();
const LEAKY = 4;

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
profileLayers(a, layers, inputs, {
  variants: String(o.variants), rounds, calls, warm: 2, prime: 1, only: String(o.only), width: 28, digits: 0, meta: { model: 'video3d', batch: 1 },
  apply: (k, v) => { if (k === 'conv3d') a.setConv3dPath(Number(v)); else if (k === 'cache') a.setConvFilterCache(v === '1'); },
});
