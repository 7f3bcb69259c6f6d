// The one detector contract (PyOD's BaseDetector): a detector implements fitting and scoring on a Dataset; this
// class derives the rest once: input conversion, training scores (`decisionScores`), the threshold from
// `contamination`, `predict`, `fitPredict`, `predictProba` ('linear' / 'unify') and `predictConfidence` (ExCeeD).
import type { Dataset } from '../data/dataset.js';
import { UserError } from '../errors/user-error.js';
import { checkContamination } from '../metrics/threshold.js';
import { toDataset, type DetectorInput } from './input.js';
import { exceedConfidence, outlierProbability, type ProbaMethod } from './probability.js';
import { ScoreDistribution } from './score-distribution.js';

export type ThresholdRule = { contamination: number } | { percentile: number } | { value: number };

function describeRule(r: ThresholdRule): string {
  if ('value' in r) return `value ${r.value}`;
  if ('contamination' in r) return `contamination ${r.contamination}`;
  return `percentile ${r.percentile}`;
}

export abstract class BaseDetector<FitOpts extends object = object, FitResult = void> {
  /** short detector name ('memae', 'iforest', 'pca', 'knn', ...) */
  abstract readonly name: string;
  protected contaminationValue: number;
  /** training scores in training order (PyOD's decision_scores_), when this process fitted the detector */
  protected trainScores: Float32Array | undefined;
  protected trainDist: ScoreDistribution | undefined;
  protected thresholdState: { value: number; rule: string } | undefined;

  constructor(contamination = 0.1) {
    this.contaminationValue = checkContamination(contamination);
  }

  /** the sample shape the detector takes (undefined: any, fixed by fit) */
  protected abstract sampleShape(): number[] | undefined;
  protected abstract fitDataset(data: Dataset, opts: FitOpts): Promise<FitResult>;
  protected abstract scoreDataset(data: Dataset): Promise<Float32Array>;
  /** scores of the training samples after fit (a detector may exclude each sample from its own score, as k-NN does) */
  protected trainingScoresOf(data: Dataset): Promise<Float32Array> { return this.scoreDataset(data); }
  /** Saves the detector into a folder; `loadDetector(dir)` reads it back. */
  abstract save(dir: string): Promise<unknown>;

  /** expected fraction of anomalies in the training data; sets the default threshold */
  get contamination(): number { return this.contaminationValue; }
  /** decision threshold on scores (undefined before fit or setThreshold) */
  get threshold(): number | undefined { return this.thresholdState?.value; }
  /** how the threshold was set, e.g. "contamination 0.1" */
  get thresholdRule(): string | undefined { return this.thresholdState?.rule; }
  /** anomaly scores of the training samples, in their order (PyOD's decision_scores_) */
  get decisionScores(): Float32Array | undefined { return this.trainScores; }
  /** 0/1 labels of the training samples at the threshold (PyOD's labels_) */
  get labels(): Uint8Array | undefined {
    const t = this.threshold;
    return this.trainScores && t !== undefined ? Uint8Array.from(this.trainScores, (v) => (v > t ? 1 : 0)) : undefined;
  }

  /** Fits on (mostly normal, possibly contaminated) data, then scores it to set the threshold. */
  async fit(x: DetectorInput, opts: FitOpts = {} as FitOpts): Promise<FitResult> {
    const data = toDataset(x, this.sampleShape(), 'training data');
    const result = await this.fitDataset(data, opts);
    this.setTrainingScores(await this.trainingScoresOf(data));
    return result;
  }

  /** Anomaly score per sample; higher = more anomalous. */
  async decisionFunction(x: DetectorInput): Promise<Float32Array> {
    return this.scoreDataset(toDataset(x, this.sampleShape(), 'scoring data'));
  }

  /** Keeps the training scores and sets the threshold from the contamination. */
  protected setTrainingScores(scores: Float32Array): void {
    this.trainScores = scores;
    this.trainDist = ScoreDistribution.fromScores(scores);
    this.setThreshold({ contamination: this.contaminationValue });
  }

  /**
   * Sets the decision threshold: { contamination } or { percentile } of the training scores (needs fit, or a
   * loaded detector that stored them), or a fixed { value }.
   */
  setThreshold(rule: ThresholdRule): number {
    let value: number;
    if (rule && 'value' in rule) {
      if (!Number.isFinite(rule.value)) throw new UserError(`threshold value must be a finite number, got ${rule.value}`);
      value = rule.value;
    } else if (rule && ('contamination' in rule || 'percentile' in rule)) {
      const t = this.trainDist;
      if (!t) throw new UserError('no training scores: call fit() first, or give a fixed { value }');
      if ('contamination' in rule) {
        value = t.percentile(100 * (1 - checkContamination(rule.contamination)));
        this.contaminationValue = rule.contamination;
      } else {
        value = t.percentile(rule.percentile);
      }
    } else {
      throw new UserError('setThreshold needs { contamination }, { percentile } or { value }');
    }
    this.thresholdState = { value, rule: describeRule(rule) };
    return value;
  }

  /** 1 = anomaly (score above the threshold), 0 = normal. */
  async predict(x: DetectorInput): Promise<Uint8Array> {
    const t = this.threshold;
    if (t === undefined) throw new UserError('no threshold: call fit() or setThreshold() first');
    const s = await this.decisionFunction(x);
    return Uint8Array.from(s, (v) => (v > t ? 1 : 0));
  }

  /** fit(x) then the training samples' labels (PyOD's fit_predict). */
  async fitPredict(x: DetectorInput, opts?: FitOpts): Promise<Uint8Array> {
    await this.fit(x, opts);
    const l = this.labels;
    if (!l) throw new UserError('fitPredict: this detector kept no training scores');
    return l;
  }

  /** P(anomaly) per sample from the training-score distribution: 'linear' (min-max) or 'unify' (erf of z). */
  async predictProba(x: DetectorInput, method: ProbaMethod = 'linear'): Promise<Float32Array> {
    const t = this.needDist('predictProba');
    return outlierProbability(await this.decisionFunction(x), t, method);
  }

  /** ExCeeD confidence (0..1) in each predict() label: how stable it is under retraining on similar data. */
  async predictConfidence(x: DetectorInput): Promise<Float32Array> {
    const dist = this.needDist('predictConfidence');
    const t = this.threshold;
    if (t === undefined) throw new UserError('no threshold: call fit() or setThreshold() first');
    const s = await this.decisionFunction(x);
    return exceedConfidence(s, Uint8Array.from(s, (v) => (v > t ? 1 : 0)), dist, this.contaminationValue);
  }

  private needDist(what: string): ScoreDistribution {
    if (!this.trainDist) throw new UserError(`${what} needs the training scores: call fit() first`);
    return this.trainDist;
  }
}
