// End to end as a user runs it: `memae train` on a tiny slice of real Fashion-MNIST (spawned process), then
// eval/score/info on the saved model, and the report opened in real headless Chromium.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { auroc } from '../../src/metrics/index.js';
import { openPage } from '../browser/chromium.js';
import { runCli } from './run-cli.js';

const root = mkdtempSync(join(tmpdir(), 'memae-e2e-'));
const run = join(root, 'run');
let trainOut: { auroc: number; report: string; runDir: string; epochs: number };

before(async () => {
  const r = await runCli(['train', '--train-limit', '48', '--test-limit', '120', '--epochs', '2', '--batch-size', '16', '--normal-class', '1', '-o', run, '--json']);
  assert.equal(r.code, 0, r.stderr);
  trainOut = JSON.parse(r.stdout);
});

test('train writes a complete run directory and reports AUROC as JSON', () => {
  assert.equal(trainOut.runDir, run);
  assert.equal(trainOut.epochs, 2);
  for (const f of ['config.json', 'history.json', 'scores.json', 'metrics.json', 'samples.json', 'memory.json', 'report.html', 'model/model.json', 'model/manifest.json']) {
    assert.ok(existsSync(join(run, f)), f);
  }
  const scores = JSON.parse(readFileSync(join(run, 'scores.json'), 'utf8'));
  // the printed AUROC is that of the written per-sample scores and labels (48 training images: no quality bar)
  assert.equal(trainOut.auroc, auroc(scores.labels, scores.scores));
  assert.equal(JSON.parse(readFileSync(join(run, 'metrics.json'), 'utf8')).auroc, trainOut.auroc);
  assert.equal(scores.scores.length, 120);
  assert.equal(scores.labels.length, 120);
  assert.equal(scores.classes.filter((c: number) => c === 1).length, scores.labels.filter((l: number) => l === 0).length);
  const history = JSON.parse(readFileSync(join(run, 'history.json'), 'utf8'));
  assert.equal(history.epochs.length, 2);
  assert.ok(history.epochs.every((e: { loss: number; reconstruction: number; entropy: number }) => e.loss > 0 && e.reconstruction > 0 && e.entropy >= 0));
  const mem = JSON.parse(readFileSync(join(run, 'memory.json'), 'utf8'));
  assert.equal(mem.slots.length, 50);
});

test('human output prints AUROC and the report path', async () => {
  const r = await runCli(['eval', join(run, 'model'), '--test-limit', '200', '-o', join(root, 'eval')]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^AUROC 0\.\d{4} \(fashion-mnist, normal class 1 \(Trouser\)/m);
  assert.match(r.stdout, /^report: .*eval\/report\.html$/m);
});

test('score and info on the saved model (--json)', async () => {
  const s = await runCli(['score', join(run, 'model'), '--test-limit', '50', '--json']);
  assert.equal(s.code, 0, s.stderr);
  const o = JSON.parse(s.stdout);
  assert.equal(o.scores.length, 50);
  assert.equal(o.labels.length, 50);
  assert.equal(typeof o.threshold, 'number');
  const i = await runCli(['info', join(run, 'model'), '--json']);
  assert.equal(i.code, 0, i.stderr);
  const info = JSON.parse(i.stdout);
  assert.equal(info.model.variant, 'memae');
  assert.deepEqual(info.model.inputShape, [28, 28, 1]);
  assert.deepEqual(info.preprocessing, { kind: 'image', size: '28x28x1 (gray)', resize: 'fill', pixels: '0..255 -> -1..1' });
});

test('a missing model directory is a one-line user error', async () => {
  const r = await runCli(['score', join(root, 'nope')]);
  assert.equal(r.code, 2);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
});

test('the report renders in headless Chromium: plots drawn, images inline, no console errors', async () => {
  const html = readFileSync(join(run, 'report.html'), 'utf8');
  assert.equal(/<script[^>]+src=|<link[^>]+href=/.test(html), false, 'the report must not load scripts or styles');
  const s = await openPage();
  try {
    const requests: string[] = [];
    s.page.on('request', (r) => requests.push(r.url()));
    const url = 'file://' + join(run, 'report.html');
    await s.page.goto(url);
    await s.page.waitForSelector('body[data-charts]');
    const charts = await s.page.$$eval('canvas', (cs) => cs.map((c) => ({ id: c.id, w: c.width, h: c.height })));
    assert.deepEqual(charts.map((c) => c.id), ['chart-roc', 'chart-pr', 'chart-hist', 'chart-train']);
    for (const c of charts) assert.ok(c.w > 100 && c.h > 100, JSON.stringify(c));
    // Chart.js drew something: the ROC canvas is not blank
    const inked = await s.page.$eval('#chart-roc', (c) => {
      const d = (c as HTMLCanvasElement).getContext('2d')!.getImageData(0, 0, (c as HTMLCanvasElement).width, (c as HTMLCanvasElement).height).data;
      let n = 0;
      for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
      return n;
    });
    assert.ok(inked > 1000, `ROC canvas has ${inked} painted pixels`);
    const imgs = await s.page.$$eval('img', (is) => is.map((i) => ({ ok: (i as HTMLImageElement).naturalWidth === 28, src: (i as HTMLImageElement).src.slice(0, 22) })));
    assert.ok(imgs.length >= 16 * 3 + 50, `${imgs.length} images`);
    assert.ok(imgs.every((i) => i.ok && i.src === 'data:image/png;base64,'));
    await s.page.screenshot({ path: join(tmpdir(), 'memae-report.png'), fullPage: true });
    assert.deepEqual(requests.filter((u) => u !== url && !u.startsWith('data:')), [], 'the report loaded something');
    assert.deepEqual(s.errors, []);
  } finally {
    await s.close();
  }
});
