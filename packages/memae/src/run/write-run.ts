// Writes the files of a run directory (see run-files.ts) from a detector and a scored test set.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Dataset } from '../data/dataset.js';
import { errorMap, heatmapPng, samplePng } from '../report/png.js';
import type { DetectorPort, EpochRecord } from './detector-port.js';
import { evaluateScores } from './metrics-port.js';
import { RUN_FILES, type History, type Metrics, type SampleEntry, type Samples, type Scores, type VideoScores } from './run-files.js';

const writeJson = (dir: string, file: string, v: unknown) => writeFileSync(join(dir, file), JSON.stringify(v) + '\n');

/** The [H, W, C] image shown for a sample: the sample itself, or the centre frame of a [T, H, W, C] clip. */
function picture(values: Float32Array, shape: number[]): { values: Float32Array; shape: number[] } {
  if (shape.length === 3) return { values, shape };
  const [t, h, w, c] = shape;
  const f = Math.floor(t / 2);
  return { values: values.subarray(f * h * w * c, (f + 1) * h * w * c), shape: [h, w, c] };
}

export function writeHistory(dir: string, epochs: EpochRecord[]): History {
  const h: History = { epochs };
  writeJson(dir, RUN_FILES.history, h);
  return h;
}

export function writeScores(dir: string, test: Dataset, scores: Float32Array, threshold: number | null, classNames?: string[]): Scores {
  const s: Scores = {
    threshold,
    scores: Array.from(scores),
    labels: test.labels ? Array.from(test.labels) : undefined,
    classes: test.classes ? Array.from(test.classes) : undefined,
    classNames,
    predicted: threshold === null ? undefined : Array.from(scores, (v) => (v > threshold ? 1 : 0)),
  };
  writeJson(dir, RUN_FILES.scores, s);
  return s;
}

export function writeMetrics(dir: string, test: Dataset, scores: Float32Array, threshold: number | null): Metrics {
  const m = evaluateScores(scores, test.labels, threshold);
  writeJson(dir, RUN_FILES.metrics, m);
  return m;
}

/** Adds the baseline's figures to a run's metrics.json (written before by writeMetrics or the video run). */
export function writeBaseline(dir: string, metrics: Metrics, baseline: NonNullable<Metrics['baseline']>): void {
  writeJson(dir, RUN_FILES.metrics, { ...metrics, baseline });
}

/** Input, reconstruction and error-map PNGs of the `k` highest- and `k` lowest-scored samples (image and video data). */
export async function writeSamples(dir: string, det: DetectorPort, test: Dataset, scores: Float32Array, k = 8): Promise<Samples | undefined> {
  if (det.kind === 'tabular') return undefined;
  mkdirSync(join(dir, RUN_FILES.images), { recursive: true });
  const order = Array.from(scores.keys()).sort((a, b) => scores[b] - scores[a]);
  const make = async (tag: string, idx: number[]): Promise<SampleEntry[]> => {
    if (idx.length === 0) return [];
    const x = test.gather(idx);
    const rec = await det.reconstruct(x, idx.length);
    const size = x.length / idx.length;
    return idx.map((index, j) => {
      const inp = picture(x.subarray(j * size, (j + 1) * size), test.sampleShape);
      const out = picture(rec.subarray(j * size, (j + 1) * size), test.sampleShape);
      const [h, w, c] = inp.shape;
      const base = `${RUN_FILES.images}/${tag}-${j}`;
      writeFileSync(join(dir, `${base}-input.png`), samplePng(inp.values, inp.shape));
      writeFileSync(join(dir, `${base}-recon.png`), samplePng(out.values, out.shape));
      writeFileSync(join(dir, `${base}-error.png`), heatmapPng(errorMap(inp.values, out.values, h, w, c), h, w, 2));
      return {
        index,
        score: scores[index],
        label: test.labels?.[index],
        class: test.classes?.[index],
        input: `${base}-input.png`,
        reconstruction: `${base}-recon.png`,
        error: `${base}-error.png`,
      };
    });
  };
  const n = Math.min(k, Math.floor(order.length / 2));
  const s: Samples = { topAnomalies: await make('top', order.slice(0, n)), mostNormal: await make('normal', order.slice(-n).reverse()) };
  writeJson(dir, RUN_FILES.samples, s);
  return s;
}

/** Each memory slot decoded to an image (image and video models with a memory). */
export async function writeMemoryImages(dir: string, det: DetectorPort, maxSlots = 100): Promise<number> {
  if (det.kind === 'tabular' || det.slots === 0) return 0;
  const dec = await det.decodeMemory();
  if (!dec) return 0;
  mkdirSync(join(dir, RUN_FILES.images), { recursive: true });
  const size = det.inputShape.reduce((a, b) => a * b, 1);
  const n = Math.min(maxSlots, dec.length / size);
  const slots = [];
  for (let s = 0; s < n; s++) {
    const p = picture(dec.subarray(s * size, (s + 1) * size), det.inputShape);
    const file = `${RUN_FILES.images}/memory-${String(s).padStart(4, '0')}.png`;
    // decoded prototypes can leave [-1, 1]: stretch each to its own range so the pattern stays visible
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of p.values) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    writeFileSync(join(dir, file), samplePng(p.values, p.shape, lo, hi > lo ? hi : lo + 1));
    slots.push({ slot: s, image: file });
  }
  writeJson(dir, RUN_FILES.memory, { slots });
  return n;
}

/** video.json from a frame-level video evaluation (e.g. evaluateClipScores of the video module). */
export function writeVideoScores(dir: string, videos: { name: string; anomaly: ArrayLike<number>; labels?: ArrayLike<number> }[], auroc: (l: ArrayLike<number>, s: ArrayLike<number>) => number): VideoScores {
  const v: VideoScores = {
    videos: videos.map((x) => {
      const labels = x.labels ? Array.from(x.labels) : undefined;
      const both = labels && labels.includes(0) && labels.includes(1);
      return { name: x.name, scores: Array.from(x.anomaly), truth: labels, auroc: both ? auroc(labels, x.anomaly) : null };
    }),
  };
  writeJson(dir, RUN_FILES.video, v);
  return v;
}
