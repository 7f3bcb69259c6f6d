// The model worker of `memae serve`: the same scores as the library in this thread, through the real HTTP server;
// load failures as one-line UserErrors; tensors in the worker flat; the worker ends with the server.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ArrayDataset } from '../../src/data/dataset.js';
import { UserError } from '../../src/errors/user-error.js';
import { loadDetector, type DetectorPort } from '../../src/run/detector-port.js';
import { buildServer } from '../../src/serve/server.js';
import { startModelWorker, type WorkerModels } from '../../src/serve/worker-models.js';
import { tinyModel, type TinyModel } from '../ui-helpers/tiny-model.js';

let tiny: TinyModel;
let w: WorkerModels;
/** the library's scores of [normal, anomaly] in this thread, taken before any worker starts (see below) */
let want: Float32Array;

// The libtorch addon keeps one tensor store per process: once a worker uses it, this thread must not (the
// service's event-loop thread never does), so the reference scores are taken first.
before(async () => {
  tiny = await tinyModel();
  const ref: DetectorPort = await loadDetector(tiny.dir);
  want = Float32Array.from(await ref.score(new ArrayDataset(new Float32Array([...tiny.normalSample, ...tiny.anomalySample]), [28, 28, 1])));
  ref.dispose();
  w = await startModelWorker([{ name: 'fmnist', dir: tiny.dir }]);
});
after(async () => {
  await w.close();
});

test('the worker gives the model description and the library\'s scores and error maps', async () => {
  const [m] = w.models;
  assert.equal(m.name, 'fmnist');
  assert.deepEqual(m.inputShape, [28, 28, 1]);
  assert.equal(typeof m.threshold, 'number');
  assert.deepEqual(m.mapShape, [28, 28]);
  const x = new Float32Array([...tiny.normalSample, ...tiny.anomalySample]);
  const out = await m.run(x, 2, true);
  assert.equal(out.scores.length, 2);
  assert.notEqual(out.scores[0], out.scores[1]);
  for (let i = 0; i < 2; i++) assert.ok(Math.abs(out.scores[i] - want[i]) <= 1e-6 * Math.max(1, Math.abs(want[i])), `${out.scores[i]} vs ${want[i]}`);
  assert.equal(out.maps!.length, 2 * 28 * 28);
  // the caller's buffer is still usable (a copy went to the worker)
  assert.equal(x.length, 2 * 784);
});

test('tensors in the worker stay flat over many batches, and concurrent batches all answer', async () => {
  const [m] = w.models;
  await m.run(tiny.normalSample, 1, false);
  const start = w.tensorStats().numTensors;
  assert.ok(start > 0, 'the worker reports its live tensors');
  const outs = await Promise.all(Array.from({ length: 50 }, (_, i) => m.run(i % 2 ? tiny.normalSample : tiny.anomalySample, 1, i % 3 === 0)));
  assert.equal(outs.length, 50);
  assert.equal(outs[0].scores[0], outs[2].scores[0]);
  assert.equal(w.tensorStats().numTensors, start);
});

test('a model folder that does not load is a one-line UserError, and the worker ends', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'memae-worker-bad-'));
  writeFileSync(join(dir, 'manifest.json'), '{"format": 2}');
  await assert.rejects(startModelWorker([{ name: 'bad', dir }]), (e: Error) => e instanceof UserError && !e.message.includes('\n') && e.message.includes(dir));
});

test('the HTTP server over the worker answers PNG uploads as the library scores them; closing ends the worker', async () => {
  const own = await startModelWorker([{ name: 'fmnist', dir: tiny.dir }]);
  const app = await buildServer({ models: own.models, maxBatch: 16, maxWaitMs: 2, tensorStats: own.tensorStats });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const a = app.server.address();
  const url = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}/v1/models/fmnist/score`;
  const png = new Uint8Array(readFileSync(tiny.pngs.anomaly));
  const rs = await Promise.all(Array.from({ length: 20 }, () => fetch(url, { method: 'POST', body: png, headers: { 'content-type': 'image/png' } })));
  for (const r of rs) {
    assert.equal(r.status, 200);
    const b = (await r.json()) as { scores: number[] };
    assert.ok(Math.abs(b.scores[0] - want[1]) < 1e-5);
  }
  await app.close(); // disposes the models: the last one closes the worker
  await own.close();
  await assert.rejects(own.models[0].run(tiny.normalSample, 1, false), /model worker exited/);
});
