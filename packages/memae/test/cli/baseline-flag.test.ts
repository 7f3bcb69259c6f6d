// `memae train` prints a baseline beside its AUROC (run/baseline-compare.ts): k-NN distance for images, isolation
// forest for tables, fitted on the same training samples and scored on the same test set; kept in metrics.json,
// the --json output and the report. Checked through the real command against the library's detectors on the same
// data; --baseline none skips it; a baseline that does not fit the data is a one-line error.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { trainConfig } from '../../src/cli/commands/train.js';
import { loadData } from '../../src/cli/data-source.js';
import { IsolationForest, KnnDetector } from '../../src/baselines/index.js';
import { auroc } from '../../src/metrics/index.js';
import { useTestBackend } from '../helpers/backend.js';
import { tempDir } from '../data/helpers.js';
import { runCli } from './run-cli.js';
import { kddRows, writeCsv } from '../pipeline/kdd-slice.js';

process.env.LIBTORCH_NUM_THREADS ??= '1';
const dir = tempDir();
interface Baseline { name: string; label: string; auroc: number; auprc: number; level: string; trainSamples: number }
const image = ['--train-limit', '60', '--test-limit', '150', '--epochs', '1', '--batch-size', '16', '--normal-class', '1', '--seed', '3'];

describe('memae train --baseline', () => {
  it('images: k-NN distance on the same training images and test set, as the library computes it', async () => {
    const out = join(dir, 'img');
    const r = await runCli(['train', ...image, '-o', out, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const b = (JSON.parse(r.stdout) as { baseline: Baseline }).baseline;
    assert.equal(b.name, 'knn');
    assert.equal(b.level, 'sample');
    assert.equal(b.trainSamples, 60);
    // the same data through the CLI's own loader, then the library's k-NN: the same AUROC
    await useTestBackend();
    const data = await loadData(trainConfig({ trainLimit: 60, testLimit: 150, normalClass: 1, seed: 3 }).data, { train: true, seed: 3 });
    const knn = new KnnDetector();
    await knn.fit(data.train!);
    const expected = auroc(data.test!.labels!, await knn.decisionFunction(data.test!));
    assert.ok(Math.abs(b.auroc - expected) < 1e-6, `${b.auroc} vs ${expected}`);
    assert.ok(b.auroc > 0.8, `k-NN on Fashion-MNIST trousers: ${b.auroc}`); // a wiring fault (scores or labels misaligned) gives ~0.5
    assert.deepEqual(JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')).baseline, b);
    assert.match(readFileSync(join(out, 'report.html'), 'utf8'), /baseline: k-NN distance, same split/);
  });

  it('prints the baseline line beside the model\'s AUROC; --baseline none skips it', async () => {
    const shown = await runCli(['train', ...image, '--baseline', 'pca', '-o', join(dir, 'pca')]);
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /^baseline, same split: PCA reconstruction error AUROC 0\.\d{4} \(model 0\.\d{4}\), AUPRC 0\.\d{4} \(model 0\.\d{4}\)$/m);
    const none = await runCli(['train', ...image, '--baseline', 'none', '-o', join(dir, 'none'), '--json']);
    assert.equal(none.code, 0, none.stderr);
    assert.equal((JSON.parse(none.stdout) as { baseline?: unknown }).baseline, undefined);
    assert.equal(JSON.parse(readFileSync(join(dir, 'none', 'metrics.json'), 'utf8')).baseline, undefined);
  });

  it('tables: isolation forest on the same preprocessed rows (seeded by --seed)', async () => {
    const csv = writeCsv(join(dir, 'kdd.csv'), kddRows(300));
    const flags = { data: 'csv', dataPath: csv, labelColumn: 'label', normalLabels: ['normal.'], seed: 4 };
    const r = await runCli(['train', '--data', 'csv', '--data-path', csv, '--label-column', 'label', '--normal-labels', 'normal.', '--epochs', '1', '--ensemble', '1', '--seed', '4', '-o', join(dir, 'tab'), '--json']);
    assert.equal(r.code, 0, r.stderr);
    const b = (JSON.parse(r.stdout) as { baseline: Baseline }).baseline;
    assert.equal(b.name, 'iforest');
    await useTestBackend();
    const data = await loadData(trainConfig(flags).data, { train: true, seed: 4 });
    const forest = new IsolationForest({ seed: 4 });
    await forest.fit(data.train!);
    assert.equal(b.auroc, auroc(data.test!.labels!, await forest.decisionFunction(data.test!)));
  });

  it('frame differencing on images is a one-line error before training', async () => {
    const r = await runCli(['train', ...image, '--baseline', 'frame-diff', '-o', join(dir, 'fd')]);
    assert.notEqual(r.code, 0);
    assert.equal(r.stderr.trim().split('\n').filter((l) => l.startsWith('memae:')).length, 1, r.stderr);
    assert.match(r.stderr, /frame-diff is for video data/);
  });
});
