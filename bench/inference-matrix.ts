// Inference speed matrix, libtorch backend vs PyTorch (issue 18): models x batch x path x regime x threads x ISA.
// Every cell runs both sides as fresh processes (bench/inference-matrix-child.ts as plain node on an esbuild bundle,
// bench/inference_matrix_torch.py with Debian's python3-torch), the order alternating per round; a cell's figure is
// the median and the best of its rounds. Regimes: `first` = the first --first batches of a fresh process, `steady` =
// --steady batches after --warm. ISA `avx2` caps oneDNN (ONEDNN_MAX_CPU_ISA=AVX2) and ATen's vector kernels
// (ATEN_CPU_CAPABILITY=avx2) on both sides, to emulate an AVX2-only CPU on an AVX-512 one.
//   full:  npx tsx bench/inference-matrix.ts
//   quick: npx tsx bench/inference-matrix.ts --quick      (2 threads, 2 rounds, ref at batch 1 and 64, CIFAR at 8, the 3D
//          net at 1, paths apply/folded/score, fewer steps: 96 processes, ~10 min on an idle 2-core machine)
// Options: --models ref,cifar,video3d --batches 1,8,64 --paths predict,apply,folded,replay,score,rebuild --threads 1,2
//          --isa native,avx2 --rounds 3 --name inference-matrix; per model steps: --first 50 --warm 500 --steady 100
//          (video3d: a tenth). Path rebuild = score with the inference plan built again for every call (not in the
//          defaults: memae's scoring before the plan was cached per model). folded = the inference plan op by op,
//          replay = the same plan replayed natively (score replays too). train = one training step (MSE, Adam 1e-3; not in
//          the defaults): memae's training step, recorded natively at its second step and replayed from the third
//          (MEMAE_REPLAY=0 for op by op), against PyTorch's loss.backward() + Adam.step() in train mode. --help prints this.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchArgs } from './lib/args.js';
import { bundleBenchScript, repoDir } from './lib/bundle.js';
import { markdownTable, writeResults } from './lib/results.js';

const { values: o } = benchArgs(import.meta.url, {
  options: {
    quick: { type: 'boolean', default: false }, models: { type: 'string' }, batches: { type: 'string' },
    paths: { type: 'string' }, threads: { type: 'string' }, isa: { type: 'string' }, rounds: { type: 'string' },
    first: { type: 'string' }, warm: { type: 'string' }, steady: { type: 'string' }, name: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (o.help) {
  // the header comment of this file is the usage
  const text = readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n');
  console.log(text.slice(0, text.findIndex((l) => !l.startsWith('//'))).map((l) => l.replace(/^\/\/ ?/, '')).join('\n'));
  process.exit(0);
}
const q = o.quick;
const list = (s: string | undefined, d: string) => (s ?? d).split(',').filter(Boolean);
const models = list(o.models, 'ref,cifar,video3d');
const batches = list(o.batches, q ? '1,64' : '1,8,64').map(Number);
const paths = list(o.paths, q ? 'apply,folded,score' : 'predict,apply,folded,score');
const threadList = list(o.threads, q ? '2' : '1,2').map(Number);
const isas = list(o.isa, 'native,avx2');
const rounds = Number(o.rounds ?? (q ? 2 : 3));
const name = o.name ?? (q ? 'inference-matrix-quick' : 'inference-matrix');

/** Steps per regime: the brief's 50 / 500 / 100, scaled for the large models (a 3D batch of 64 takes seconds). */
function steps(model: string, batch: number): { first: number; warm: number; steady: number } {
  const big = model === 'video3d' ? 10 : model === 'cifar' && batch > 8 ? 4 : 1;
  const scale = (v: string | undefined, d: number, qd: number) => Math.max(2, Math.round((v ? Number(v) : q ? qd : d) / big));
  const first = scale(o.first, 50, 50);
  return { first, warm: Math.max(first, scale(o.warm, 500, 300)), steady: scale(o.steady, 100, 50) };
}
/** Batches of each model (quick: the 3D net at batch 1 only, CIFAR at 8). */
const modelBatches = (m: string) => (q && m === 'video3d' ? [1] : q && m === 'cifar' ? [8] : batches);

const ISA_ENV: Record<string, Record<string, string>> = {
  native: {},
  avx2: { ONEDNN_MAX_CPU_ISA: 'AVX2', DNNL_MAX_CPU_ISA: 'AVX2', ATEN_CPU_CAPABILITY: 'avx2' },
};
const here = dirname(fileURLToPath(import.meta.url));
const bundle = await bundleBenchScript(join(here, 'inference-matrix-child.ts'), ['@tensorflow/*', 'tfjs-backend-libtorch']);
const env = (isa: string, threads: number, extra: Record<string, string> = {}) => ({ ...process.env, LIBTORCH_NUM_THREADS: String(threads), ...ISA_ENV[isa], ...extra });
const lastJson = (s: string) => JSON.parse(s.trim().split('\n').filter((l) => l.startsWith('{')).pop()!) as Record<string, number>;

function runSide(side: 'libtorch' | 'pytorch', isa: string, args: string[], threads: number): string {
  return side === 'libtorch'
    ? execFileSync(process.execPath, ['--max-semi-space-size=2', bundle, ...args], { encoding: 'utf8', cwd: repoDir, env: env(isa, threads), maxBuffer: 1 << 24 })
    : execFileSync('/usr/bin/python3', [join(here, 'inference_matrix_torch.py'), ...args], { encoding: 'utf8', cwd: here, env: env(isa, threads), maxBuffer: 1 << 24 });
}

// The machine: CPU model, vector ISA flags, and the ISA oneDNN picks under each setting (its verbose info line).
const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
const cpu = cpuinfo.match(/model name\s*:\s*(.*)/)?.[1] ?? 'unknown';
const flags = [...new Set(cpuinfo.match(/\b(avx2|avx512[a-z_0-9]*|amx[a-z_0-9]*)\b/g) ?? [])].sort();
const onednn: Record<string, { libtorch: string; pytorch: string }> = {};
for (const isa of isas) {
  const pick = (out: string) => out.split('\n').find((l) => l.includes(',cpu,isa:'))?.split('isa:')[1] ?? 'not reported';
  const ours = execFileSync(process.execPath, [bundle, '--probe', '--threads', '1'], { encoding: 'utf8', cwd: repoDir, env: env(isa, 1, { ONEDNN_VERBOSE: '1' }) });
  const torch = execFileSync('/usr/bin/python3', ['-c', 'import torch; x=torch.rand(8,32,28,28); torch.nn.functional.conv2d(x, torch.rand(32,32,3,3), padding=1)'],
    { encoding: 'utf8', env: env(isa, 1, { ONEDNN_VERBOSE: '1' }) });
  onednn[isa] = { libtorch: pick(ours), pytorch: pick(torch) };
}
console.log(`CPU: ${cpu}, ${process.env.NPROC ?? ''}flags: ${flags.join(' ') || 'none'}`);
for (const isa of isas) console.log(`oneDNN ISA (${isa}): libtorch backend ${onednn[isa].libtorch}; PyTorch ${onednn[isa].pytorch}`);

/** us per batch per round: wall time, and CPU time of the process (all threads); PyTorch also reports its minor page
 *  faults per steady batch (hundreds = glibc's slow malloc mode, which bench/torch_setup.py pins away) */
interface Sides { first: number[]; steady: number[]; firstCpu: number[]; steadyCpu: number[]; faults?: number[] }
interface Cell { model: string; batch: number; path: string; threads: number; isa: string; steps: ReturnType<typeof steps>; libtorch: Sides; pytorch: Sides }
const cells: Cell[] = [];
for (const model of models) for (const batch of modelBatches(model)) for (const threads of threadList) for (const isa of isas) for (const path of paths) {
  cells.push({ model, batch, path, threads, isa, steps: steps(model, batch), libtorch: { first: [], steady: [], firstCpu: [], steadyCpu: [] }, pytorch: { first: [], steady: [], firstCpu: [], steadyCpu: [], faults: [] } });
}
const t0 = Date.now();
for (let r = 0; r < rounds; r++) {
  for (const [i, c] of cells.entries()) {
    const args = ['--model', c.model, '--batch', String(c.batch), '--path', c.path, '--threads', String(c.threads),
      '--first', String(c.steps.first), '--warm', String(c.steps.warm), '--steady', String(c.steps.steady)];
    const order: ('libtorch' | 'pytorch')[] = (r + i) % 2 === 0 ? ['pytorch', 'libtorch'] : ['libtorch', 'pytorch'];
    for (const side of order) {
      const res = lastJson(runSide(side, c.isa, args, c.threads));
      c[side].first.push(res.firstUs);
      c[side].steady.push(res.steadyUs);
      c[side].firstCpu.push(res.firstCpuUs);
      c[side].steadyCpu.push(res.steadyCpuUs);
      if (typeof res.steadyFaults === 'number') c[side].faults?.push(res.steadyFaults);
    }
    process.stderr.write(`round ${r + 1}/${rounds} cell ${i + 1}/${cells.length} (${((Date.now() - t0) / 1000).toFixed(0)} s)\r`);
  }
}
process.stderr.write('\n');

const median = (a: number[]) => { const s = a.slice().sort((x, y) => x - y); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
/** samples/s from us per batch */
const rate = (us: number, batch: number) => batch * 1e6 / us;
const summary = cells.map((c) => {
  const fig = (reg: 'first' | 'steady' | 'firstCpu' | 'steadyCpu') => {
    const ours = { median: rate(median(c.libtorch[reg]), c.batch), best: rate(Math.min(...c.libtorch[reg]), c.batch) };
    const torch = { median: rate(median(c.pytorch[reg]), c.batch), best: rate(Math.min(...c.pytorch[reg]), c.batch) };
    return { ours, torch, ratioMedian: ours.median / torch.median, ratioBest: ours.best / torch.best };
  };
  return { model: c.model, batch: c.batch, path: c.path, threads: c.threads, isa: c.isa, steps: c.steps, first: fig('first'), steady: fig('steady'), firstCpu: fig('firstCpu'), steadyCpu: fig('steadyCpu'), raw: { libtorch: c.libtorch, pytorch: c.pytorch } };
});
const f0 = (v: number) => v.toFixed(0);
const f2 = (v: number) => v.toFixed(2);
const rows = summary.map((s) => [s.model, String(s.batch), s.path, String(s.threads), s.isa,
  f0(s.first.ours.median), f0(s.first.torch.median), f2(s.first.ratioMedian), f2(s.first.ratioBest),
  f0(s.steady.ours.median), f0(s.steady.torch.median), f2(s.steady.ratioMedian), f2(s.steady.ratioBest),
  f2(s.firstCpu.ratioMedian), f2(s.steadyCpu.ratioMedian)]);
const header = ['model', 'batch', 'path', 'threads', 'ISA', 'first: ours/s', 'PyTorch/s', 'ratio (median)', 'ratio (best)',
  'steady: ours/s', 'PyTorch/s', 'ratio (median)', 'ratio (best)', 'CPU-time ratio first', 'CPU-time ratio steady'];
const below = summary.filter((s) => s.first.ratioMedian < 1 || s.steady.ratioMedian < 1).length;
const md = `Inference matrix, libtorch backend vs PyTorch, ${rounds} round(s), samples/s (median of rounds), ratio = ours / PyTorch ` +
  `(> 1: we are faster); CPU-time ratio = PyTorch's CPU time per batch / ours (median of rounds; less moved by other jobs' load)\n\n` +
  `CPU: ${cpu}; flags: ${flags.join(' ') || 'none'}\n` +
  isas.map((isa) => `oneDNN ISA (${isa}): libtorch backend ${onednn[isa].libtorch}; PyTorch ${onednn[isa].pytorch}\n`).join('') +
  `command: npx tsx bench/inference-matrix.ts ${process.argv.slice(2).join(' ')}\n\n` + markdownTable(header, rows) +
  `\n${below} of ${summary.length} cells below 1.0x (median) in first or steady\n` +
  `PyTorch minor page faults per steady batch: at most ${f0(Math.max(0, ...cells.flatMap((c) => c.pytorch.faults ?? [])))} in any cell and round ` +
  `(glibc's slow malloc mode shows hundreds; bench/torch_setup.py pins it away)\n`;
console.log(`\n${md}`);
const out = writeResults(name, { date: new Date().toISOString(), args: o, cpu, flags, onednn, rounds, cells: summary }, md);
console.log(`wrote ${out.json} and ${out.md}`);
