// A saved memae model in the browser: score samples, threshold them, error maps; no Node built-ins.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Manifest } from '../io/manifest.js';
import { percentileFromTable } from '../score/stats.js';
import { UserError } from '../errors/user-error.js';
import { errorMapAndScore, mapShapeOf } from '../score/error-map.js';
import { imageToSample } from './image.js';
import { csvRecords } from './table.js';
import type { Preprocessing } from '../preprocess/index.js';
import { TabularPreprocessor, type RawRecord, type TabularPreprocessing } from '../preprocess/tabular.js';
import { codeScoresOf, type CodeIndex } from '../score/code-index.js';
import { storeCodes } from './code-store.js';

export interface BrowserScores {
  /** one anomaly score per sample (higher = more anomalous): the mean of the error map, or for an image model saved
   *  with a code index the distance from its code to the training codes (score/code-index.ts), as in Node */
  scores: Float32Array;
  /** 1 where the score is above the threshold (all 0 when the model has none) */
  anomalous: Uint8Array;
  /** error maps, row-major, `errorMapShape` per sample */
  errorMaps: Float32Array;
  errorMapShape: number[];
  /** reconstructions, `inputShape` per sample */
  reconstructions: Float32Array;
}

/** One network with its residual statistics (tables) or training codes (images) (detector/ensemble.ts). */
export interface Member { model: tfl.LayersModel; tabularScore: Manifest['tabularScore']; codeIndex: CodeIndex | null }

export class BrowserDetector {
  /** `others`: an ensemble's members 2..k; the scores are the mean of every member's, as in Node */
  constructor(readonly model: tfl.LayersModel, readonly manifest: Manifest, private readonly others: Member[] = [], private readonly codeIndex: CodeIndex | null = null) {}

  get kind(): Manifest['kind'] { return this.manifest.kind; }
  get variant(): Manifest['variant'] { return this.manifest.variant; }
  /** one sample without the batch axis: image [H, W, C], video [T, H, W, 1], tabular [F] */
  get inputShape(): number[] { return this.manifest.config.inputShape.slice(); }
  /** the saved threshold (null when the model was saved without one) */
  get threshold(): number | null { return this.manifest.threshold?.value ?? null; }

  /** the preprocessing saved with the model (null for models saved before it existed) */
  get preprocessing(): Preprocessing | null { return this.manifest.preprocessing ?? null; }

  /** An image (file, blob, bitmap, canvas) as one sample: the model's size, channels and saved pixel range. */
  async imageSample(image: ImageBitmapSource): Promise<Float32Array> {
    if (this.kind !== 'image') throw new UserError(`this model takes ${this.kind} data, not images`);
    const [h, w, c] = this.inputShape;
    const p = this.preprocessing;
    return p?.kind === 'image' ? imageToSample(image, h, w, c, p.range, p.resize) : imageToSample(image, h, w, c);
  }

  /** Raw table records (objects keyed by column name, or values in column order) through the saved preprocessing. */
  async scoreRecords(records: RawRecord[], opts: { threshold?: number } = {}): Promise<BrowserScores> {
    if (records.length === 0) throw new UserError('no records to score');
    return this.score(new TabularPreprocessor(this.tabularSpec()).transformRecords(records, 'row'), opts);
  }

  /** CSV text as in the training file (header and delimiter), every row through the saved preprocessing, in order. */
  async scoreCsv(text: string, opts: { threshold?: number } = {}): Promise<BrowserScores> {
    return this.scoreRecords(csvRecords(text, this.tabularSpec()), opts);
  }

  private tabularSpec(): TabularPreprocessing {
    const p = this.preprocessing;
    if (p?.kind !== 'tabular') throw new UserError('this model has no saved tabular preprocessing: give encoded samples to score()');
    return p;
  }

  /** The score at percentile p (0..100) of the training scores (saved with the model), as a threshold. */
  thresholdAtPercentile(p: number): number {
    const q = this.manifest.trainingScores?.quantiles;
    if (!q) throw new UserError('this model was saved without training scores: no percentile threshold');
    return percentileFromTable(q, p);
  }

  /** Scores `n` samples given as one flat array (n * prod(inputShape) values, preprocessed as in training). */
  async score(samples: Float32Array, opts: { threshold?: number; batchSize?: number } = {}): Promise<BrowserScores> {
    const per = this.inputShape.reduce((a, b) => a * b, 1);
    if (samples.length === 0 || samples.length % per !== 0) {
      throw new UserError(`samples: ${samples.length} values is not a whole number of samples of shape [${this.inputShape.join(', ')}] (${per} values each)`);
    }
    const n = samples.length / per;
    const mapShape = mapShapeOf(this.kind, this.inputShape);
    const perMap = mapShape.reduce((a, b) => a * b, 1);
    const out: BrowserScores = {
      scores: new Float32Array(n), anomalous: new Uint8Array(n), errorMaps: new Float32Array(n * perMap), errorMapShape: mapShape,
      reconstructions: new Float32Array(n * per),
    };
    const batch = opts.batchSize ?? (this.kind === 'video' ? 4 : 64);
    const members: Member[] = [{ model: this.model, tabularScore: this.manifest.tabularScore, codeIndex: this.codeIndex }, ...this.others];
    for (let s = 0; s < n; s += batch) {
      const m = Math.min(batch, n - s);
      const r = tf.tidy(() => {
        const x = tf.tensor(samples.subarray(s * per, (s + m) * per), [m, ...this.inputShape]);
        const each = members.map((mb) => {
          const o = mb.model.apply(x, { training: false }) as tf.Tensor | tf.Tensor[];
          const rec = Array.isArray(o) ? o[0] : o;
          return { rec, ...errorMapAndScore(this.kind, x, rec, mb.tabularScore) };
        });
        if (each.length === 1) return each[0];
        const mean = (ts: tf.Tensor[]) => tf.div(tf.addN(ts), ts.length);
        return { rec: mean(each.map((e) => e.rec)), map: mean(each.map((e) => e.map)), score: mean(each.map((e) => e.score)) };
      });
      const codeIndexed = members.filter((mb) => mb.codeIndex);
      if (codeIndexed.length) {
        // the members' code scores, averaged (meanOfResults in Node)
        const each = codeIndexed.map((mb) => codeScoresOf(mb.model, this.manifest.config, mb.codeIndex!, samples.subarray(s * per, (s + m) * per), m, { first: s }));
        out.scores.set(each[0].map((_, i) => each.reduce((acc, e) => acc + e[i], 0) / each.length), s);
      } else out.scores.set(await r.score.data() as Float32Array, s);
      out.errorMaps.set(await r.map.data() as Float32Array, s * perMap);
      out.reconstructions.set(await r.rec.data() as Float32Array, s * per);
      tf.dispose([r.rec, r.map, r.score]);
    }
    const t = opts.threshold ?? this.threshold;
    if (t !== null) out.scores.forEach((v, i) => (out.anomalous[i] = v > t ? 1 : 0));
    return out;
  }

  /** Stores the model and its manifest in the browser's IndexedDB (load it back with `indexeddb://NAME`). */
  async saveToIndexedDB(name: string): Promise<void> {
    if (this.others.length) throw new UserError(`an ensemble of ${this.others.length + 1} networks cannot be stored in IndexedDB (one network per entry): load it from its URL`);
    this.model.setUserDefinedMetadata({ memaeManifest: this.manifest });
    await this.model.save(`indexeddb://${name}`);
    // the code index in a store of its own under the same name (tfjs' entry holds JSON metadata only)
    if (this.codeIndex) await storeCodes(name, this.codeIndex.codes);
  }

  dispose(): void {
    this.model.dispose();
    for (const m of this.others) m.model.dispose();
  }
}
