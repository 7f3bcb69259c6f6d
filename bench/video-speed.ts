// Speed of the official MemAE 3D-conv architecture (encoder 96-128-256-256, memory 2000 x 256): clips/s for
// training and scoring at 16x128x128 and scoring at 16x256x256, on memae's tfjs backend (libtorch when it loads)
// and on PyTorch (Debian python3-torch, 2 threads, bench/video_speed_torch.py) in the same run.
// Usage: npx tsx bench/video-speed.ts [--steps 2] [--cases train128,score128,score256] [--threads 2] [--name video-speed]
import { spawnSync } from 'node:child_process';
import { benchArgs } from './lib/args.js';
import { initBackend, type BackendChoice } from '../packages/memae/src/backend/select.js';
import { buildModel, resolveConfig } from '../packages/memae/src/models/index.js';
import { trainModel } from '../packages/memae/src/train/index.js';
import { scoreModel } from '../packages/memae/src/score/index.js';
import { ClipDataset, decodeVideoFile } from '../packages/memae/src/video/index.js';
import { VTEST_PATH } from './video/vtest-data.js';
import type { Dataset } from '../packages/memae/src/data/dataset.js';
import { markdownTable, writeResults } from './lib/results.js';

const { values: a } = benchArgs(import.meta.url, {
  options: {
    steps: { type: 'string', default: '2' },
    cases: { type: 'string', default: 'train128,score128,score256' },
    backend: { type: 'string' },
    python: { type: 'string', default: '/usr/bin/python3' },
    threads: { type: 'string', default: '2' },
    widths: { type: 'string' }, // smoke tests only: encoder widths other than the official 96,128,256,256
    name: { type: 'string', default: 'video-speed' }, // result files: bench/results/<name>.json and .md
  },
});
const steps = Number(a.steps);
const backend = await initBackend(a.backend as BackendChoice | undefined);

interface Case { name: string; mode: 'train' | 'score'; size: number; batch: number }
const CASES: Record<string, Case> = {
  train128: { name: 'train 16x128x128', mode: 'train', size: 128, batch: 2 },
  score128: { name: 'score 16x128x128', mode: 'score', size: 128, batch: 2 },
  score256: { name: 'score 16x256x256', mode: 'score', size: 256, batch: 1 },
};

/** `n` real clips of vtest.avi at `size` (clip k starts at frame k). */
async function clips(size: number, n: number): Promise<Dataset> {
  const v = await decodeVideoFile(VTEST_PATH, { size, maxFrames: 15 + n });
  return new ClipDataset([v], { clipLength: 16, stride: 1 });
}

/** clips/s of memae after one warm-up batch */
async function memae(c: Case): Promise<number> {
  const encoderChannels = a.widths ? String(a.widths).split(',').map(Number) : undefined; // default: official widths, N = 2000
  const cfg = resolveConfig({ kind: 'video', variant: 'memae', inputShape: [16, c.size, c.size, 1], encoderChannels, slots: 2000 }); // the official memory, as the PyTorch side
  const model = buildModel(cfg);
  try {
    const data = await clips(c.size, c.batch * (steps + 1));
    if (c.mode === 'train') {
      const stamps: number[] = [];
      await trainModel(model, cfg, data, { epochs: 1, batchSize: c.batch, progressBar: false, onProgress: (e) => { if (e.phase === 'batch') stamps.push(performance.now()); } });
      return (c.batch * steps) / ((stamps[stamps.length - 1] - stamps[0]) / 1000);
    }
    const warm = await clips(c.size, c.batch);
    await scoreModel(model, cfg, warm, { batchSize: c.batch });
    const timed = await clips(c.size, c.batch * steps);
    const t = performance.now();
    await scoreModel(model, cfg, timed, { batchSize: c.batch });
    return timed.size / ((performance.now() - t) / 1000);
  } finally {
    model.dispose();
  }
}

function pytorch(c: Case): { clipsPerSec: number; torch: string } {
  const r = spawnSync(String(a.python), ['bench/video_speed_torch.py', '--mode', c.mode, '--size', String(c.size), '--batch', String(c.batch), '--steps', String(steps), '--threads', String(a.threads), ...(a.widths ? ['--widths', String(a.widths)] : [])], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`PyTorch reference failed: ${r.stderr || r.error?.message}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

const rows: { case: string; batch: number; memaeClipsPerSec: number; pytorchClipsPerSec: number; ratio: number }[] = [];
for (const key of String(a.cases).split(',')) {
  const c = CASES[key];
  if (!c) throw new Error(`unknown case ${key}; cases: ${Object.keys(CASES).join(', ')}`);
  const torch = pytorch(c);
  const ours = await memae(c);
  const row = { case: c.name, batch: c.batch, memaeClipsPerSec: ours, pytorchClipsPerSec: torch.clipsPerSec, ratio: ours / torch.clipsPerSec };
  rows.push(row);
  console.log(`${c.name} (batch ${c.batch}): memae/${backend} ${ours.toFixed(3)} clips/s, PyTorch ${torch.clipsPerSec.toFixed(3)} clips/s, ratio ${row.ratio.toFixed(3)}`);
}
const widths = a.widths ? String(a.widths).split(',').map(Number) : [96, 128, 256, 256];
const md = [
  '# Video model speed: memae vs PyTorch (same architecture, same run)',
  '',
  `Encoder widths ${widths.join('-')}, memory 2000 slots; memae backend \`${backend}\`; PyTorch ${Number(a.threads)} threads; ${steps} timed steps after one warm-up.`,
  '',
  markdownTable(['case', 'batch', 'memae clips/s', 'PyTorch clips/s', 'ratio'], rows.map((r) => [r.case, String(r.batch), r.memaeClipsPerSec.toFixed(3), r.pytorchClipsPerSec.toFixed(3), r.ratio.toFixed(3)])),
  `Command: \`npx tsx bench/video-speed.ts ${process.argv.slice(2).join(' ')}\``,
  '',
].join('\n');
writeResults(String(a.name), { date: new Date().toISOString(), backend, pytorchThreads: Number(a.threads), widths, slots: 2000, steps, results: rows }, md);
