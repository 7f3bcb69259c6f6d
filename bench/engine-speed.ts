// Engine speed benchmark (docs/engine.md): the reference model (reference-model.ts) trained and
// run for inference on the libtorch backend (engine-speed-libtorch.ts) and in PyTorch
// (engine_speed_torch.py, Debian's python3-torch, same thread count). Each round runs both sides
// as fresh processes, one after the other, so that both see the same machine load; the best round
// of each side counts, and peak RSS is the largest over its rounds.
// The libtorch side runs as plain node on an esbuild bundle of its TypeScript sources (what a
// deployment runs; tsx's loader thread alone costs ~35 MB resident), with V8's young generation
// capped at 2 MB semi-spaces (--max-semi-space-size=2: ~25 MB less peak RSS, same speed) and
// its old generation at 128 MB (--max-old-space-size=128: V8 collects before growing its heap
// to ~55 MB in the long training of the leak check, ~25 MB less peak RSS, same speed; the
// heap in use stays under 50 MB); --runner tsx runs the sources through tsx with node's defaults instead.
//   npx tsx bench/engine-speed.ts [--threads 2] [--train-steps 60] [--infer-steps 200] [--leak-steps 1000] [--rounds 3] [--nchw] [--runner node|tsx] [--name engine-speed]
// Prints a table and writes bench/results/<--name, default engine-speed>.json.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchArgs } from './lib/args.js';
import { bundleBenchScript } from './lib/bundle.js';
import { engineModelOptions } from './lib/engine-options.js';

const here = dirname(fileURLToPath(import.meta.url));
const { values: o } = benchArgs(import.meta.url, {
  options: {
    ...engineModelOptions,
    'leak-steps': { type: 'string', default: '1000' },
    rounds: { type: 'string', default: '3' },
    nchw: { type: 'boolean', default: false },
    runner: { type: 'string', default: 'node' },
    name: { type: 'string', default: 'engine-speed' },
  },
});
const threads = Number(o.threads), batch = Number(o.batch), rounds = Number(o.rounds);
const trainSteps = Number(o['train-steps']), inferSteps = Number(o['infer-steps']), leakSteps = Number(o['leak-steps']);
if (o.runner !== 'node' && o.runner !== 'tsx') throw new Error(`--runner must be node or tsx, got ${o.runner}`);

interface Side { train: number; infer: number; peakRssMb: number; baseRssMb?: number }
interface Ours extends Side { counts: { step: number; tfjs: number; native: number }[] }

const common = ['--threads', String(threads), '--batch', String(batch), '--train-steps', String(trainSteps), '--infer-steps', String(inferSteps), '--warmup', String(o.warmup)];

function lastJsonLine<T>(r: ReturnType<typeof spawnSync>, what: string): T {
  if (r.status !== 0) throw new Error(`${what} failed: ${String(r.stderr).trim().split('\n').pop()}`);
  return JSON.parse(String(r.stdout).trim().split('\n').pop() as string) as T;
}

function torchSide(): Side & { torch: string } {
  const r = spawnSync('/usr/bin/python3', [join(here, 'engine_speed_torch.py'), ...common], { encoding: 'utf8' });
  return lastJsonLine(r, 'PyTorch side (is python3-torch installed?)');
}

// The libtorch side as one bundled ES module (bench/lib/bundle.ts).
const source = join(here, 'engine-speed-libtorch.ts');
const bundle = o.runner === 'node' ? await bundleBenchScript(source) : '';

function libtorchSide(leak: number): Ours {
  const args = [...common, '--leak-steps', String(leak), ...(o.nchw ? ['--nchw'] : [])];
  const argv = o.runner === 'node' ? ['--max-semi-space-size=2', '--max-old-space-size=128', bundle, ...args] : ['--import', 'tsx', source, ...args];
  // cwd: the repository, so that the bundle finds node_modules
  return lastJsonLine(spawnSync(process.execPath, argv, { encoding: 'utf8', cwd: join(here, '..') }), 'libtorch side');
}

const ours: Ours[] = [], theirs: (Side & { torch: string })[] = [];
for (let r = 0; r < rounds; r++) {
  theirs.push(torchSide());
  ours.push(libtorchSide(r === rounds - 1 ? leakSteps : 0));
}
const best = <T extends Side>(xs: T[]): T => ({
  ...xs[0], train: Math.max(...xs.map((s) => s.train)), infer: Math.max(...xs.map((s) => s.infer)),
  peakRssMb: Math.max(...xs.map((s) => s.peakRssMb)), baseRssMb: Math.max(...xs.map((s) => s.baseRssMb ?? NaN)),
});
const a = best(ours), p = best(theirs);
const counts = ours[ours.length - 1].counts;
const flat = counts.every((c) => c.tfjs === counts[0].tfjs && c.native === counts[0].native);

const fmt = (v: number) => v.toFixed(1).padStart(10);
const row = (name: string, x: number, y: number, ratio = true) => console.log(`${name.padEnd(26)}${fmt(x)}${fmt(y)}${ratio ? (x / y).toFixed(2).padStart(10) : ''}`);
console.log(`reference model, batch ${batch}, ${threads} threads, best of ${rounds} rounds (${trainSteps} train / ${inferSteps} inference steps each), runner ${o.runner}${o.nchw ? ', NCHW copies' : ''}`);
console.log(`${''.padEnd(26)}${'libtorch'.padStart(10)}${'PyTorch'.padStart(10)}${'ratio'.padStart(10)}`);
row('train samples/s', a.train, p.train);
row('inference samples/s', a.infer, p.infer);
row('peak RSS MB', a.peakRssMb, p.peakRssMb);
row('  of which runtime loaded', a.baseRssMb ?? NaN, p.baseRssMb ?? NaN, false);
row('  model + training', a.peakRssMb - (a.baseRssMb ?? NaN), p.peakRssMb - (p.baseRssMb ?? NaN));
if (leakSteps > 0) console.log(`tensor counts over ${leakSteps} training steps (tfjs / native): ${counts.map((c) => `${c.step}: ${c.tfjs}/${c.native}`).join(', ')} -> ${flat ? 'flat' : 'GROWING'}`);

const out = join(here, 'results', `${o.name}.json`);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify({
  date: new Date().toISOString(), batch, threads, trainSteps, inferSteps, rounds, runner: o.runner, layout: o.nchw ? 'nchw' : 'channels_last',
  libtorch: { ...a, counts: undefined, rounds: ours.map((s) => ({ ...s, counts: undefined })) }, pytorch: { ...p, rounds: theirs },
  ratio: { train: a.train / p.train, infer: a.infer / p.infer, peakRss: a.peakRssMb / p.peakRssMb },
  tensorCounts: counts, flat,
}, null, 2));
console.log(`wrote ${out}`);
