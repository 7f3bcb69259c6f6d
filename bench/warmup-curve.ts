// How long the reference model takes to reach its steady speed from a fresh process, on both sides: mean us per
// step over consecutive chunks of steps (tfjs layers on the libtorch backend, plain node on an esbuild bundle, vs
// PyTorch, bench/warmup_curve_torch.py), same threads, same machine, the two sides one after the other.
// Why: engine-speed.ts's --warmup (docs/engine.md "Warm-up").
//   npx tsx bench/warmup-curve.ts [--threads 2] [--phase infer|train] [--chunks 16] [--chunk 50]
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchArgs } from './lib/args.js';
import { bundleBenchScript, repoDir } from './lib/bundle.js';
import { writeResults } from './lib/results.js';

const { values: o } = benchArgs(import.meta.url, {
  options: {
    threads: { type: 'string', default: '2' }, phase: { type: 'string', default: 'infer' },
    chunks: { type: 'string', default: '16' }, chunk: { type: 'string', default: '50' }, child: { type: 'boolean', default: false },
  },
});
const [threads, chunks, chunk] = [Number(o.threads), Number(o.chunks), Number(o.chunk)];

if (o.child) {
  // the libtorch side (run as a bundle by the parent)
  const tf = await import('@tensorflow/tfjs-core');
  const { registerLibtorchBackend } = await import('tfjs-backend-libtorch');
  const { IMAGE, infer, referenceModel, trainer } = await import('./reference-model.js');
  registerLibtorchBackend({ threads });
  await tf.setBackend('libtorch');
  const model = referenceModel();
  const x = tf.randomUniform([64, IMAGE, IMAGE, 1], 0, 1, 'float32', 1);
  const train = trainer(model);
  const step = o.phase === 'train' ? () => train(x) : () => infer(model, x).dispose();
  const out: number[] = [];
  for (let c = 0; c < chunks; c++) {
    const t0 = performance.now();
    for (let i = 0; i < chunk; i++) step();
    out.push((performance.now() - t0) / chunk * 1000);
  }
  console.log(JSON.stringify(out));
} else {
  const here = dirname(fileURLToPath(import.meta.url));
  const bundle = await bundleBenchScript(fileURLToPath(import.meta.url), ['esbuild']);
  const args = ['--threads', String(threads), '--phase', String(o.phase), '--chunks', String(chunks), '--chunk', String(chunk)];
  const last = (s: string) => JSON.parse(s.trim().split('\n').pop()!) as number[];
  const ours = last(execFileSync(process.execPath, [bundle, '--child', ...args], { encoding: 'utf8', cwd: repoDir }));
  const torch = last(execFileSync('/usr/bin/python3', [join(here, 'warmup_curve_torch.py'), ...args], { encoding: 'utf8', cwd: here }));
  const rows = ours.map((u, i) => `${String((i + 1) * chunk).padStart(6)}  ${u.toFixed(0).padStart(8)}  ${torch[i].toFixed(0).padStart(8)}  ${(torch[i] / u).toFixed(2).padStart(6)}`);
  const md = `${o.phase} steps of the reference model (batch 64, ${threads} threads) from a fresh process, us per step per chunk of ${chunk}\n\n` +
    `${'steps'.padStart(6)}  ${'libtorch'.padStart(8)}  ${'PyTorch'.padStart(8)}  ${'ratio'.padStart(6)}\n${rows.join('\n')}\n`;
  console.log(md);
  writeResults(`warmup-curve-${o.phase}`, { date: new Date().toISOString(), threads, chunk, ours, torch }, '```\n' + md + '```\n');
}
