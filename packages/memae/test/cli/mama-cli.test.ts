// MAMA Net through the command line (spawned, real process): `memae train --variant mama` on a few real
// Fashion-MNIST images, then eval, score, info, report and serve on the saved model; the per-part switches from
// flags and a config file; one-line errors when mama does not fit the data or the variant.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { runCli, startServe } from './run-cli.js';

const root = mkdtempSync(join(tmpdir(), 'memae-mama-cli-'));
const run = join(root, 'run');
const tiny = ['--train-limit', '16', '--test-limit', '40', '--epochs', '1', '--batch-size', '8'];

interface ModelInfo { variant: string; attention: boolean; hashMemory: boolean; wassersteinWeight: number; slots: number }
async function modelInfo(dir: string): Promise<ModelInfo> {
  const r = await runCli(['info', dir, '--json']);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout).model;
}

before(async () => {
  const r = await runCli(['train', '--variant', 'mama', ...tiny, '-o', run, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const o = JSON.parse(r.stdout);
  assert.equal(o.epochs, 1);
  assert.ok(o.auroc >= 0 && o.auroc <= 1, String(o.auroc));
});

test('train --variant mama writes a run directory whose model is MAMA Net with every part on', async () => {
  for (const f of ['config.json', 'history.json', 'scores.json', 'metrics.json', 'memory.json', 'report.html', 'model/model.json']) assert.ok(existsSync(join(run, f)), f);
  assert.equal(JSON.parse(readFileSync(join(run, 'config.json'), 'utf8')).model.variant, 'mama');
  assert.equal(JSON.parse(readFileSync(join(run, 'scores.json'), 'utf8')).scores.length, 40);
  // the hash memory's slots decoded for the report
  assert.equal(JSON.parse(readFileSync(join(run, 'memory.json'), 'utf8')).slots.length, 50);
  const m = await modelInfo(join(run, 'model'));
  assert.deepEqual([m.variant, m.attention, m.hashMemory, m.wassersteinWeight, m.slots], ['mama', true, true, 0.1, 50]);
  const model = readFileSync(join(run, 'model', 'model.json'), 'utf8');
  assert.match(model, /MamaAttentionBlock/);
  assert.match(model, /MamaHashMemory/);
});

test('eval, score and report on the saved MAMA Net model', async () => {
  const e = await runCli(['eval', join(run, 'model'), '--test-limit', '30', '-o', join(root, 'eval'), '--json']);
  assert.equal(e.code, 0, e.stderr);
  assert.equal(JSON.parse(e.stdout).samples, 30);
  const s = await runCli(['score', join(run, 'model'), '--test-limit', '12', '--json']);
  assert.equal(s.code, 0, s.stderr);
  const scores = JSON.parse(s.stdout).scores as number[];
  assert.equal(scores.length, 12);
  assert.ok(scores.every((v) => Number.isFinite(v) && v > 0));
  const r = await runCli(['report', join(root, 'eval'), '-o', join(root, 'eval.html')]);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(readFileSync(join(root, 'eval.html'), 'utf8').length > 10_000);
});

test('serve scores a real PNG with the MAMA Net model', async () => {
  const png = join(run, 'images', 'normal-0-input.png');
  const p = await startServe([`mama=${join(run, 'model')}`]);
  try {
    const models = (await (await fetch(`http://127.0.0.1:${p.port}/v1/models`)).json()) as { models: { variant: string }[] };
    assert.equal(models.models[0].variant, 'mama');
    const r = await fetch(`http://127.0.0.1:${p.port}/v1/models/mama/score`, { method: 'POST', body: new Uint8Array(readFileSync(png)), headers: { 'content-type': 'image/png' } });
    assert.equal(r.status, 200);
    const body = (await r.json()) as { scores: number[] };
    assert.equal(body.scores.length, 1);
    assert.ok(Number.isFinite(body.scores[0]));
  } finally {
    assert.equal((await p.stop()).code, 0);
  }
});

test('the MAMA Net parts switch from a config file and from flags (flags win)', async () => {
  const yaml = join(root, 'parts.yaml');
  writeFileSync(yaml, 'model:\n  variant: mama\n  hashMemory: false\n  wassersteinWeight: 0.5\n');
  const out = join(root, 'parts');
  const r = await runCli(['train', '--config', yaml, '--no-attention', '--wasserstein-weight', '0.25', '--train-limit', '8', '--test-limit', '16', '--epochs', '1', '--batch-size', '8', '-o', out, '-q']);
  assert.equal(r.code, 0, r.stderr);
  const m = await modelInfo(join(out, 'model'));
  assert.deepEqual([m.variant, m.attention, m.hashMemory, m.wassersteinWeight], ['mama', false, false, 0.25]);
});

/** exit 2, exactly one line on stderr, no stack trace */
function assertOneLineUserError(r: { code: number | null; stderr: string }, pattern: RegExp): void {
  assert.equal(r.code, 2, r.stderr);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, pattern);
}

test('mama on table rows, or a memory part on the plain autoencoder, is a one-line user error', async () => {
  const csv = join(root, 'rows.csv');
  writeFileSync(csv, 'size,weight,label\n1,10,0\n3,20,0\n5,30,1\n9,40,0\n2,15,0\n4,25,0\n');
  const out = join(root, 'csv-run');
  let r = await runCli(['train', '--data', 'csv', '--data-path', csv, '--label-column', 'label', '--variant', 'mama', '-o', out]);
  assertOneLineUserError(r, /^memae: variant "mama" \(MAMA Net\) is for image and video data, not tabular/);
  assert.equal(existsSync(out), false, 'no run directory is left behind');
  r = await runCli(['train', '--data', 'csv', '--data-path', csv, '--label-column', 'label', '--attention', '-o', out]);
  assertOneLineUserError(r, /MAMA Net options for image and video models, not tabular/);
  r = await runCli(['train', '--variant', 'ae', '--hash-memory', '--train-limit', '8', '-o', out]);
  assertOneLineUserError(r, /need a memory/);
});

test('an unknown variant is a usage error listing the model variants, from flags and from a config file', async () => {
  let r = await runCli(['train', '--variant', 'mamba']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /Allowed choices are ae, memae-nonspar, memae, mama\./);
  const json = join(root, 'bad.json');
  writeFileSync(json, JSON.stringify({ model: { variant: 'mamba' } }));
  r = await runCli(['train', '--config', json]);
  assertOneLineUserError(r, /'model\.variant'/);
});
