import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { auroc, averagePrecision, binaryReport, percentile, prCurve, reportAtThreshold, rocCurve, thresholdFromContamination } from '../../src/metrics/index.js';
import { UserError } from '../../src/errors/user-error.js';

interface Case {
  name: string;
  labels: number[];
  scores: number[];
  auroc: number;
  ap: number;
  roc: { fpr: number[]; tpr: number[]; thresholds: number[] };
  pr: { precision: number[]; recall: number[]; thresholds: number[] };
  percentiles: Record<string, number>;
  at80: { threshold: number; precision: number; recall: number; f1: number };
}
const fixture = JSON.parse(readFileSync(new URL('../fixtures/metrics.json', import.meta.url), 'utf8')) as { cases: Case[] };

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-12, what = ''): void => {
  assert.equal(a.length, b.length, `${what}: length ${a.length} vs ${b.length}`);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) <= tol, `${what}[${i}]: ${a[i]} vs ${b[i]}`);
};

describe('metrics by hand', () => {
  it('AUROC of the sklearn doc example is 0.75, AP 0.8333', () => {
    assert.equal(auroc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]), 0.75);
    assert.ok(Math.abs(averagePrecision([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) - 0.8333333333333333) < 1e-15);
  });
  it('ties count one half (Mann-Whitney)', () => {
    // anomalies {2, 3} vs normals {1, 2}: 1 + 0.5 + 1 + 1 of 4 pairs
    assert.equal(auroc([0, 1, 0, 1], [1, 2, 2, 3]), 0.875);
    assert.equal(auroc([0, 1, 0, 1], [5, 5, 5, 5]), 0.5);
  });
  it('perfect and inverted rankings', () => {
    assert.equal(auroc([0, 0, 1], [0, 1, 2]), 1);
    assert.equal(auroc([0, 0, 1], [2, 1, 0]), 0);
  });
  it('ROC curve of a simple case', () => {
    const r = rocCurve([0, 1, 0, 1], [1, 2, 2, 3]);
    assert.deepEqual(Array.from(r.thresholds), [Infinity, 3, 2, 1]);
    assert.deepEqual(Array.from(r.tpr), [0, 0.5, 1, 1]);
    assert.deepEqual(Array.from(r.fpr), [0, 0, 0.5, 1]);
  });
  it('PR curve ends at (recall 0, precision 1)', () => {
    const p = prCurve([0, 1, 0, 1], [1, 2, 2, 3]);
    assert.deepEqual(Array.from(p.thresholds), [1, 2, 3]);
    assert.deepEqual(Array.from(p.recall), [1, 1, 0.5, 0]);
    assert.deepEqual(Array.from(p.precision), [0.5, 2 / 3, 1, 1]);
  });
  it('numpy linear percentile', () => {
    assert.equal(percentile([4, 1, 3, 2], 50), 2.5);
    assert.ok(Math.abs(percentile([1, 2, 3, 4], 80) - 3.4) < 1e-12);
    assert.equal(percentile([7], 95), 7);
    assert.equal(thresholdFromContamination([1, 2, 3, 4, 5], 0.25), 4);
  });
  it('precision, recall, F1 of the anomaly class', () => {
    const r = binaryReport([1, 1, 1, 0, 0, 0], [1, 1, 0, 1, 0, 0]);
    assert.deepEqual([r.tp, r.fp, r.tn, r.fn], [2, 1, 2, 1]);
    assert.equal(r.precision, 2 / 3);
    assert.equal(r.recall, 2 / 3);
    assert.ok(Math.abs(r.f1 - 2 / 3) < 1e-15);
    const none = binaryReport([1, 0], [0, 0]);
    assert.equal(none.precision, 0);
    assert.equal(none.f1, 0);
    assert.equal(reportAtThreshold([0, 1, 1], [0.1, 0.5, 0.9], 0.5).tp, 1, 'strictly greater than the threshold');
  });
  it('user mistakes are UserErrors', () => {
    assert.throws(() => auroc([1, 1], [0.1, 0.2]), UserError);
    assert.throws(() => auroc([0, 1], [0.1, NaN]), /not a finite number/);
    assert.throws(() => auroc([0, 1, 2], [0.1, 0.2, 0.3]), /label 2/);
    assert.throws(() => auroc([0, 1], [0.1]), /2 labels but 1 scores/);
    assert.throws(() => percentile([1, 2], 101), UserError);
    assert.throws(() => thresholdFromContamination([1, 2], 0), UserError);
  });
});

describe('metrics match scikit-learn (fixtures from scripts/metric_fixtures.py)', () => {
  for (const c of fixture.cases) {
    it(c.name, () => {
      assert.ok(Math.abs(auroc(c.labels, c.scores) - c.auroc) < 1e-12, `auroc ${auroc(c.labels, c.scores)} vs ${c.auroc}`);
      assert.ok(Math.abs(averagePrecision(c.labels, c.scores) - c.ap) < 1e-12, `ap ${averagePrecision(c.labels, c.scores)} vs ${c.ap}`);
      const r = rocCurve(c.labels, c.scores);
      close(r.fpr, c.roc.fpr, 1e-12, 'fpr');
      close(r.tpr, c.roc.tpr, 1e-12, 'tpr');
      close(r.thresholds.subarray(1), c.roc.thresholds, 0, 'roc thresholds');
      const p = prCurve(c.labels, c.scores);
      close(p.precision, c.pr.precision, 1e-12, 'precision');
      close(p.recall, c.pr.recall, 1e-12, 'recall');
      close(p.thresholds, c.pr.thresholds, 0, 'pr thresholds');
      for (const [q, v] of Object.entries(c.percentiles)) assert.ok(Math.abs(percentile(c.scores, Number(q)) - v) < 1e-12, `percentile ${q}`);
      const rep = reportAtThreshold(c.labels, c.scores, c.at80.threshold);
      close([rep.precision, rep.recall, rep.f1], [c.at80.precision, c.at80.recall, c.at80.f1], 1e-12, 'P/R/F1');
    });
  }
});
