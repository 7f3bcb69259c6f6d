// The video files of a run directory (`memae train` / `memae eval` on video data): per-frame scores of every test
// video (video.json, plotted by the report with the labelled frames shaded), frame-level metrics (metrics.json)
// and the most anomalous clips as image strips.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { UserError } from '../errors/user-error.js';
import { videoPreprocessingFor } from '../preprocess/video.js';
import { writeReport } from '../report/build-report.js';
import { clipStripPng } from '../report/clip-strip.js';
import { loadDetector, type DetectorPort } from '../run/detector-port.js';
import { writeSamples, writeScores } from '../run/write-run.js';
import type { DataFlags } from './commands/eval.js';
import type { RunConfig } from './config.js';
import { Output } from './output.js';
import { loadVideoData } from './video-source.js';
import { evaluateScores } from '../run/metrics-port.js';
import { RUN_FILES, type Metrics, type VideoScores } from '../run/run-files.js';
import { auroc } from '../metrics/roc.js';
import type { ClipDataset } from '../video/clips.js';
import { evaluateClipScores, pooledFrames } from '../video/evaluate.js';

export interface VideoRunResult {
  /** frame-level AUROC (official protocol), undefined without labels */
  auroc?: number;
  metrics: Metrics;
  frames: number;
}

/** Clip indices of the `k` highest errors, no two overlapping in the same video. */
export function topClips(clips: ClipDataset, errors: ArrayLike<number>, k: number): number[] {
  const order = Array.from({ length: errors.length }, (_, i) => i).sort((a, b) => errors[b] - errors[a]);
  const out: number[] = [];
  for (const c of order) {
    if (out.length >= k) break;
    const clash = out.some((o) => clips.videoOf[o] === clips.videoOf[c] && Math.abs(clips.startOf[o] - clips.startOf[c]) < clips.clipLength);
    if (!clash) out.push(c);
  }
  return out;
}

export async function writeVideoRun(dir: string, det: DetectorPort, clips: ClipDataset, clipErrors: Float32Array, k = 6): Promise<VideoRunResult> {
  const ev = evaluateClipScores(clips, clipErrors);
  mkdirSync(join(dir, RUN_FILES.images), { recursive: true });
  const top = topClips(clips, clipErrors, k);
  const [t, h, w] = clips.sampleShape;
  const strips: NonNullable<VideoScores['topClips']> = [];
  if (top.length) {
    const x = clips.gather(top);
    const rec = await det.reconstruct(x, top.length);
    const per = t * h * w;
    // one error scale for all strips, so they compare
    let max = 0;
    for (let i = 0; i < x.length; i++) max = Math.max(max, Math.abs(x[i] - rec[i]));
    top.forEach((c, j) => {
      const file = `${RUN_FILES.images}/clip-top-${j}.png`;
      writeFileSync(join(dir, file), clipStripPng(x.subarray(j * per, (j + 1) * per), rec.subarray(j * per, (j + 1) * per), t, h, w, 8, max || 1));
      const v = clips.videos[clips.videoOf[c]];
      strips.push({ video: v.name, start: clips.startOf[c], frames: t, score: clipErrors[c], label: v.labels?.[clips.startOf[c] + Math.floor(t / 2)], strip: file });
    });
  }
  const video: VideoScores = {
    videos: ev.videos.map((v) => {
      const truth = v.labels ? Array.from(v.labels) : undefined;
      const both = truth && truth.includes(0) && truth.includes(1);
      const idx = Array.from({ length: v.anomaly.length }, (_, f) => f).filter((f) => v.counted[f]);
      return { name: v.name, scores: Array.from(v.anomaly), truth, auroc: both ? auroc(idx.map((f) => truth[f]), idx.map((f) => v.anomaly[f])) : null };
    }),
    topClips: strips,
  };
  writeFileSync(join(dir, RUN_FILES.video), JSON.stringify(video) + '\n');
  // frame-level metrics over the counted frames of all videos (scores: per-video normalised, as the AUC)
  const frames = pooledFrames(ev);
  const metrics = evaluateScores(frames.scores, frames.labels, null);
  metrics.extra = { level: 'frame (per-video min-max regularity, clip error at its centre frame, edge frames excluded)', frames: ev.frames, clips: clips.size, clipThreshold: det.threshold };
  writeFileSync(join(dir, RUN_FILES.metrics), JSON.stringify(metrics) + '\n');
  return { auroc: ev.auc, metrics, frames: ev.frames };
}

/** `memae eval MODEL --data video --data-path P`: frame-level AUROC of a saved video model on labelled video. */
export async function evaluateVideo(modelDir: string, dataCfg: RunConfig['data'], flags: DataFlags): Promise<void> {
  const out = new Output(flags);
  const det = await loadDetector(modelDir);
  try {
    if (det.kind !== 'video') throw new UserError(`${modelDir} is a ${det.kind} model; --data video needs a video model`);
    const spec = videoPreprocessingFor(det.inputShape, det.preprocessing);
    const data = await loadVideoData(dataCfg, { train: false }, spec);
    const clips = data.test!;
    if (!clips.videos.every((v) => v.labels)) throw new UserError(`${data.description}: no frame labels to evaluate against (give --labels, or use memae score for unlabelled video)`);
    const runDir = resolve(flags.out ?? join(dirname(resolve(modelDir)), 'eval'));
    mkdirSync(runDir, { recursive: true });
    writeFileSync(join(runDir, RUN_FILES.config), JSON.stringify({ model: resolve(modelDir), data: dataCfg, preprocessing: spec }, null, 2) + '\n');
    out.note(`scoring ${clips.size} clips (${data.description})`);
    const scores = await det.score(clips);
    writeScores(runDir, clips, scores, det.threshold);
    await writeSamples(runDir, det, clips, scores);
    const v = await writeVideoRun(runDir, det, clips, scores);
    const report = writeReport(runDir);
    if (v.metrics.auroc !== null) out.result(`frame AUROC ${v.metrics.auroc.toFixed(4)} (${data.description})`);
    out.result(`report: ${report}`);
    out.emitJson({ runDir, report, auroc: v.metrics.auroc, auprc: v.metrics.auprc ?? null, frames: v.frames, clips: clips.size, threshold: det.threshold });
  } finally {
    det.dispose();
  }
}
