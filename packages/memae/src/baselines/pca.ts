// PCA reconstruction error: centre on the training mean, keep the leading principal components that explain
// `variance` of the training variance (or a fixed number), score = squared distance between a sample and its
// projection on them. ml-matrix (mljs) does the symmetric eigendecomposition of the covariance.
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { UserError } from '../errors/user-error.js';
import { Baseline, type StateArrays } from './baseline.js';

export interface PcaOptions {
  /** components to keep: an integer count, or a fraction in (0, 1) of explained variance (default 0.9) */
  components?: number;
  contamination?: number;
}

export class PcaDetector extends Baseline {
  readonly name = 'pca';
  readonly components: number;
  private mean: Float64Array = new Float64Array(0);
  /** kept components, row-major [k, features] */
  private basis: Float64Array = new Float64Array(0);
  private k = 0;

  constructor(o: PcaOptions = {}) {
    super(o.contamination);
    this.components = o.components ?? 0.9;
    const c = this.components;
    if (!((c > 0 && c < 1) || (Number.isInteger(c) && c >= 1))) throw new UserError(`components must be a fraction in (0, 1) or a positive integer, got ${c}`);
  }

  params() { return { components: this.components }; }
  /** how many components the fit kept (0 before fit) */
  get keptComponents(): number { return this.k; }
  protected stateArrays(): StateArrays { return { mean: this.mean, basis: this.basis }; }
  protected restoreArrays(a: Record<string, Float32Array | Float64Array | Int32Array>, where: string): void {
    if (!(a.mean instanceof Float64Array) || !(a.basis instanceof Float64Array) || a.basis.length % a.mean.length !== 0) throw new UserError(`${where}: not a PCA detector`);
    this.mean = a.mean; this.basis = a.basis; this.k = a.basis.length / a.mean.length;
  }

  protected fitMatrix(x: Float32Array, rows: number, f: number): void {
    if (rows < 2) throw new UserError('PCA needs at least 2 training rows');
    const mean = new Float64Array(f);
    for (let r = 0; r < rows; r++) for (let j = 0; j < f; j++) mean[j] += x[r * f + j];
    for (let j = 0; j < f; j++) mean[j] /= rows;
    const acc = new Float64Array(f * f);
    const row = new Float64Array(f);
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < f; j++) row[j] = x[r * f + j] - mean[j];
      for (let i = 0; i < f; i++) { const ri = row[i]; if (ri === 0) continue; for (let j = i; j < f; j++) acc[i * f + j] += ri * row[j]; }
    }
    const cov = new Matrix(f, f);
    for (let i = 0; i < f; i++) for (let j = i; j < f; j++) { const v = acc[i * f + j] / (rows - 1); cov.set(i, j, v); cov.set(j, i, v); }
    const evd = new EigenvalueDecomposition(cov, { assumeSymmetric: true });
    const values = evd.realEigenvalues.map((v) => Math.max(0, v));
    const order = values.map((_, i) => i).sort((a, b) => values[b] - values[a]);
    const total = values.reduce((a, b) => a + b, 0);
    let k: number;
    if (this.components >= 1) k = Math.min(this.components, f);
    else {
      k = 0;
      let acc = 0;
      // like scikit-learn: the fewest components explaining strictly more than the fraction
      while (k < f && (total === 0 || acc / total <= this.components)) acc += values[order[k++]];
    }
    const vecs = evd.eigenvectorMatrix;
    const basis = new Float64Array(k * f);
    for (let c = 0; c < k; c++) for (let j = 0; j < f; j++) basis[c * f + j] = vecs.get(j, order[c]);
    this.mean = mean; this.basis = basis; this.k = k;
  }

  protected scoreMatrix(x: Float32Array, rows: number): Float32Array {
    const f = this.features, k = this.k, out = new Float32Array(rows);
    const d = new Float64Array(f);
    for (let r = 0; r < rows; r++) {
      let norm = 0;
      for (let j = 0; j < f; j++) { d[j] = x[r * f + j] - this.mean[j]; norm += d[j] * d[j]; }
      // |d|^2 - |projection|^2 (orthonormal basis)
      let proj = 0;
      for (let c = 0; c < k; c++) { let p = 0; for (let j = 0; j < f; j++) p += this.basis[c * f + j] * d[j]; proj += p * p; }
      out[r] = Math.max(0, norm - proj);
    }
    return out;
  }
}
