// The reference model's (--model ref) or the CIFAR AE's (--model cifar) batch-1 convolutions (the kernels their native
// replay plans run), called on the addon directly: CPU us per call (process.cpuUsage over a chunk of calls; median of
// --rounds chunks), each layer alone and the layers in sequence. Variants of the native measurement switches alternate chunk by chunk in this one
// process (so the machine's load hits them alike): `--variants "cache=0,small=0;cache=1,small=1"` (cache =
// setConvFilterCache, small = setConvSmallPath, see native/conv.cc). PyTorch's counterpart:
// bench/profile/b1_kernels_torch.py (same shapes, NCHW).
//   LIBTORCH_NUM_THREADS=1 npx tsx bench/profile/b1-kernels.ts [--model ref] [--batch 1] [--calls 300] [--rounds 7] [--variants ...]
import { benchArgs } from '../lib/args.js';
import { profileAddon, profileLayers, type Layer } from './kernel-timing.js';

const { values: o } = benchArgs(import.meta.url, {
  options: {
    batch: { type: 'string', default: '1' },
    calls: { type: 'string', default: '300' },
    rounds: { type: 'string', default: '7' },
    variants: { type: 'string', default: 'default' },
    model: { type: 'string', default: 'ref' },
  },
});
const N = Number(o.batch), calls = Number(o.calls), rounds = Number(o.rounds);
const { a, rnd } = profileAddon();

const layers: Layer[] = [];
// ref: the reference model; cifar: memae's image AE at 32x32x3 (64-128-128-256, decoder 256-128-128-3)
const [size, enc, dec] = o.model === 'cifar' ? [32, [3, 64, 128, 128, 256], [256, 256, 128, 128, 3]] : [28, [1, 16, 32, 64], [64, 32, 16, 1]];
// encoder: Conv 3x3 s2 'same' + bias + LeakyReLU(0.2) (the folded plan's fused conv); tfjs pads 0/1 on even sizes
let h = size;
for (let k = 0; k + 1 < enc.length; k++) {
  const [ci, co, hh] = [enc[k], enc[k + 1], h];
  const [lo, hi] = hh % 2 === 0 ? [0, 1] : [1, 1];
  const f = rnd([3, 3, ci, co]), b = rnd([co]);
  layers.push({ name: `conv ${hh}x${hh}x${ci}->${co}`, input: [N, hh, hh, ci], run: (x) => a.conv(x, f, b, [2, 2], [lo, hi, lo, hi], [1, 1], 1, 4, 0.2, 0) });
  h = Math.ceil(h / 2);
}
// decoder: ConvTranspose 3x3 s2 'same' (tfjs filter [3, 3, out, in]; the forward conv's pads 0/1)
for (let k = 0; k + 1 < dec.length; k++) {
  const [ci, co, hh] = [dec[k], dec[k + 1], h];
  const f = rnd([3, 3, co, ci]);
  layers.push({ name: `convT ${hh}x${hh}x${ci}->${co}`, input: [N, hh, hh, ci], run: (x) => a.convInputGrad(x, f, [2 * hh, 2 * hh], [2, 2], [0, 1, 0, 1], [1, 1], 1) });
  h *= 2;
}
const inputs = layers.map((l) => rnd(l.input));
profileLayers(a, layers, inputs, {
  variants: String(o.variants), rounds, calls, warm: 50, prime: 5, width: 24, digits: 1, meta: { model: o.model, batch: N },
  apply: (k, v) => { if (k === 'cache') a.setConvFilterCache(v === '1'); else if (k === 'small') a.setConvSmallPath(Number(v)); },
});
