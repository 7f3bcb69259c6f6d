// vtest video anomaly benchmark: trains AE, MemAE and the MAMA Net ablation rows (official 3D-conv architecture,
// small widths and resolution for CPU) on the normal part of OpenCV's vtest.avi, scores the test part with injected
// anomalies (fast vehicle, odd object, sudden appearance), reports frame-level AUC (official protocol) and wall
// times, and saves per-frame score plots. Usage (all flags optional):
//   npx tsx bench/video-vtest.ts --size 32 --epochs 3 --widths 8,16,32,32 --train-stride 4 --backend auto
//   npx tsx bench/video-vtest.ts --variants ae,memae,memae-hash,memae-sw,mama   (the MAMA Net ablation, docs/mama.md)
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchArgs } from './lib/args.js';
import { initBackend, type BackendChoice } from '../packages/memae/src/backend/select.js';
import { buildModel, resolveConfig, type ModelOptions } from '../packages/memae/src/models/index.js';
import { SW_WEIGHT } from '../packages/memae/src/models/config.js';
import { trainModel } from '../packages/memae/src/train/index.js';
import { scoreModel } from '../packages/memae/src/score/index.js';
import { ClipDataset, evaluateClipScores, loadVideoSplit, type VideoEvaluation } from '../packages/memae/src/video/index.js';
import { makeVtestBenchmark } from './video/vtest-data.js';
import { auroc } from '../packages/memae/src/metrics/roc.js';
import { markdownTable, resultsDir, writeResults } from './lib/results.js';
import { scorePlotSvg } from './lib/score-plot.js';

const { values: a } = benchArgs(import.meta.url, {
  options: {
    data: { type: 'string', default: 'runs/vtest-bench' },
    'data-size': { type: 'string', default: '128' },
    seed: { type: 'string', default: '1' },
    size: { type: 'string', default: '32' },
    epochs: { type: 'string', default: '3' },
    batch: { type: 'string', default: '4' },
    lr: { type: 'string', default: '0.001' },
    widths: { type: 'string', default: '8,16,32,32' },
    slots: { type: 'string', default: '2000' },
    'train-stride': { type: 'string', default: '4' },
    variants: { type: 'string', default: 'ae,memae' }, // any of ROWS' keys, comma-separated
    'sw-weight': { type: 'string', default: String(SW_WEIGHT) }, // weight of the SW loss in memae-sw and mama
    backend: { type: 'string' }, // default: $MEMAE_BACKEND, else auto
    name: { type: 'string', default: 'video-vtest' }, // result files: bench/results/<name>.json, .md, -<video>.svg
  },
});
const num = (k: keyof typeof a): number => Number(a[k]);
const size = num('size');
const widths = String(a.widths).split(',').map(Number);
const seed = num('seed');
const swWeight = num('sw-weight');

/** Benchmark rows: name in the table, and the model options on top of the shared ones. */
const ROWS: Record<string, { label: string; model: Partial<ModelOptions> }> = {
  'ae': { label: 'AE', model: { variant: 'ae' } },
  'memae-nonspar': { label: 'MemAE-nonSpar', model: { variant: 'memae-nonspar' } },
  'memae': { label: 'MemAE', model: { variant: 'memae' } },
  'memae-hash': { label: 'MemAE+hash', model: { variant: 'memae', hashMemory: true } },
  'memae-sw': { label: 'MemAE+SW', model: { variant: 'memae', wassersteinWeight: swWeight } },
  // MAMA Net on video: hash memory + SW loss (no attention blocks in 3D, docs/mama.md)
  'mama': { label: 'MAMA (hash+SW)', model: { variant: 'mama', wassersteinWeight: swWeight } },
};
const variants = String(a.variants).split(',').map((v) => v.trim());
const unknown = variants.filter((v) => !(v in ROWS));
if (unknown.length > 0) {
  console.error(`video-vtest: unknown variant ${unknown.join(', ')}; choose from ${Object.keys(ROWS).join(', ')}`);
  process.exit(2);
}

const backend = await initBackend(a.backend as BackendChoice | undefined);
const t0 = performance.now();
const manifest = await makeVtestBenchmark({ out: String(a.data), size: num('data-size'), seed });
const train = await loadVideoSplit(String(a.data), 'train', { size });
const test = await loadVideoSplit(String(a.data), 'test', { size });
const trainClips = new ClipDataset(train, { clipLength: 16, stride: num('train-stride') });
const testClips = new ClipDataset(test, { clipLength: 16, stride: 1 }); // official: stride 1, clip k -> frame k + 8
const dataSeconds = (performance.now() - t0) / 1000;
console.log(`backend ${backend}; data ${dataSeconds.toFixed(1)} s: ${trainClips.size} training clips, ${testClips.size} test clips at ${size}x${size}`);

interface Row {
  model: string; variant?: string; options?: Partial<ModelOptions>; auc: number; aucAllFrames: number; perVideoAuc: Record<string, number>;
  trainSeconds: number; scoreSeconds: number; finalLoss?: number; params?: number; trainClipsPerSec?: number;
}
const rows: Row[] = [];
const curves: Record<string, VideoEvaluation> = {};

function summarise(name: string, ev: VideoEvaluation, evAll: VideoEvaluation, trainSeconds: number, scoreSeconds: number, extra: Partial<Row> = {}): void {
  const perVideoAuc: Record<string, number> = {};
  for (const v of ev.videos) {
    const lab: number[] = [];
    const sc: number[] = [];
    v.counted.forEach((c, f) => { if (c) { lab.push(v.labels![f]); sc.push(v.anomaly[f]); } });
    perVideoAuc[v.name] = auroc(lab, sc);
  }
  rows.push({ model: name, auc: ev.auc!, aucAllFrames: evAll.auc!, perVideoAuc, trainSeconds, scoreSeconds, ...extra });
  curves[name] = ev;
  console.log(`${name}: frame AUC ${ev.auc!.toFixed(4)} (all frames ${evAll.auc!.toFixed(4)}), train ${trainSeconds.toFixed(1)} s, score ${scoreSeconds.toFixed(1)} s`);
}

// A model-free reference: mean absolute difference between consecutive frames of each clip (motion energy).
{
  const t = performance.now();
  const per = size * size;
  const s = Float32Array.from({ length: testClips.size }, (_, k) => {
    const v = testClips.videos[testClips.videoOf[k]].pixels;
    let sum = 0;
    for (let f = testClips.startOf[k] + 1; f < testClips.startOf[k] + 16; f++) for (let j = 0; j < per; j++) sum += Math.abs(v[f * per + j] - v[(f - 1) * per + j]);
    return sum / (15 * per);
  });
  summarise('frame-difference (no model)', evaluateClipScores(testClips, s), evaluateClipScores(testClips, s, { edges: 'include' }), 0, (performance.now() - t) / 1000);
}

for (const variant of variants) {
  const row = ROWS[variant];
  const cfg = resolveConfig({ kind: 'video', inputShape: [16, size, size, 1], encoderChannels: widths, slots: num('slots'), seed, ...row.model });
  const model = buildModel(cfg);
  const params = model.countParams();
  let t = performance.now();
  const res = await trainModel(model, cfg, trainClips, { epochs: num('epochs'), batchSize: num('batch'), learningRate: num('lr'), seed, progressBar: false,
    onProgress: (e) => { if (e.phase === 'epoch') console.log(`  ${variant} epoch ${e.epoch}/${e.epochs} loss ${e.loss.toFixed(5)} (${e.samplesPerSec.toFixed(2)} clips/s)`); } });
  const trainSeconds = (performance.now() - t) / 1000;
  t = performance.now();
  const scores = await scoreModel(model, cfg, testClips, { batchSize: num('batch') });
  const scoreSeconds = (performance.now() - t) / 1000;
  summarise(row.label, evaluateClipScores(testClips, scores.scores), evaluateClipScores(testClips, scores.scores, { edges: 'include' }), trainSeconds, scoreSeconds,
    { variant, options: row.model, finalLoss: res.history[res.history.length - 1]?.loss, params, trainClipsPerSec: res.samplesSeen / trainSeconds });
  model.dispose();
}

const name = String(a.name);
// results depend on the thread count (float summation order; docs/video-accuracy.md): record it
const config = { threads: process.env.LIBTORCH_NUM_THREADS ?? 'default', backend, variants, swWeight, size, widths, slots: num('slots'), epochs: num('epochs'), batch: num('batch'), lr: num('lr'), trainStride: num('train-stride'), testStride: 1, clipLength: 16, seed, dataSize: num('data-size') };
const videos = test.map((v) => v.name);
const md = [
  `# vtest video anomaly benchmark`,
  '',
  `Backend \`${backend}\`; clips 16x${size}x${size}; encoder widths ${widths.join('-')}; memory ${num('slots')} slots; SW weight ${swWeight} (MemAE+SW, MAMA); ${num('epochs')} epochs, batch ${num('batch')}, lr ${num('lr')}; training clip stride ${num('train-stride')} (${trainClips.size} clips), test stride 1 (${testClips.size} clips).`,
  `Injected anomalies: ${manifest.events.map((e) => `${e.video} ${e.kind} frames ${e.first}-${e.last}`).join('; ')}.`,
  '',
  markdownTable(
    ['model', 'frame AUC (official, edges excluded)', 'frame AUC (all frames)', ...videos.map((v) => `AUC ${v}`), 'final loss', 'train s', 'score s', 'train clips/s'],
    rows.map((r) => [r.model, r.auc.toFixed(4), r.aucAllFrames.toFixed(4), ...videos.map((v) => r.perVideoAuc[v].toFixed(4)), r.finalLoss?.toFixed(5) ?? '', r.trainSeconds.toFixed(1), r.scoreSeconds.toFixed(1), r.trainClipsPerSec?.toFixed(2) ?? '']),
  ),
  `Command: \`npx tsx bench/video-vtest.ts ${process.argv.slice(2).join(' ')}\``,
  '',
].join('\n');
const json = { date: new Date().toISOString(), config, data: { trainClips: trainClips.size, testClips: testClips.size, frames: testClips.videos.reduce((s, v) => s + v.count, 0), events: manifest.events }, dataSeconds, results: rows };
writeResults(name, json, md);

for (let i = 0; i < test.length; i++) {
  const ev = manifest.events.find((e) => e.video === test[i].name);
  const series = Object.entries(curves).filter(([n]) => n !== 'frame-difference (no model)').map(([name, c]) => ({ name, scores: c.videos[i].anomaly }));
  const svg = await scorePlotSvg({ title: `${test[i].name}: ${ev?.kind ?? ''} (shaded red: ground truth; grey: edge frames outside the AUC)`, labels: test[i].labels!, counted: curves[Object.keys(curves)[0]].videos[i].counted, series });
  writeFileSync(join(resultsDir, `${name}-${test[i].name}.svg`), svg);
}
console.log(md);
