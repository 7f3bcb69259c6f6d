// The HTTP service against a real trained model, over loopback on an ephemeral port.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import type { FastifyInstance } from 'fastify';
import { ArrayDataset } from '../../src/data/dataset.js';
import { loadDetector, type DetectorPort } from '../../src/run/detector-port.js';
import { servedModel } from '../../src/serve/from-detector.js';
import { buildServer } from '../../src/serve/server.js';
import { tinyModel, type TinyModel } from '../ui-helpers/tiny-model.js';

let app: FastifyInstance;
let base: string;
let tiny: TinyModel;
let ref: DetectorPort;

before(async () => {
  tiny = await tinyModel();
  ref = await loadDetector(tiny.dir);
  app = await buildServer({ models: [servedModel('fmnist', await loadDetector(tiny.dir))], maxBatch: 32, maxWaitMs: 5, bodyLimit: 256 * 1024, tensorStats: () => tf.memory() });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const a = app.server.address();
  base = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
});

after(async () => {
  await app.close();
  ref.dispose();
});

const post = (path: string, body: BodyInit, type?: string) => fetch(base + path, { method: 'POST', body, headers: type ? { 'content-type': type } : undefined });
const refScore = async (x: Float32Array) => (await ref.score(new ArrayDataset(x, [28, 28, 1])))[0];

test('health and model listing', async () => {
  const h = await fetch(base + '/healthz');
  assert.equal(h.status, 200);
  assert.deepEqual(await h.json(), { status: 'ok', models: 1 });
  const m = (await (await fetch(base + '/v1/models')).json()) as { models: { name: string; inputShape: number[]; threshold: number }[] };
  assert.equal(m.models[0].name, 'fmnist');
  assert.deepEqual(m.models[0].inputShape, [28, 28, 1]);
  assert.equal(typeof m.models[0].threshold, 'number');
});

test('a PNG upload scores exactly as the library scores the same sample', async () => {
  const r = await post('/v1/models/fmnist/score', new Uint8Array(readFileSync(tiny.pngs.anomaly)), 'image/png');
  assert.equal(r.status, 200);
  const b = (await r.json()) as { scores: number[]; labels: number[]; threshold: number };
  assert.equal(b.scores.length, 1);
  assert.ok(Math.abs(b.scores[0] - (await refScore(tiny.anomalySample))) < 1e-5);
  assert.deepEqual(b.labels, [b.scores[0] > b.threshold ? 1 : 0]);
});

test('multipart upload of several images, and error maps on request', async () => {
  const form = new FormData();
  form.append('a', new Blob([new Uint8Array(readFileSync(tiny.pngs.normal))], { type: 'image/png' }), 'tshirt.png');
  form.append('b', new Blob([new Uint8Array(readFileSync(tiny.pngs.anomaly))], { type: 'image/png' }), 'bag.png');
  const r = await fetch(base + '/v1/models/fmnist/score?errorMaps=1', { method: 'POST', body: form });
  assert.equal(r.status, 200);
  const b = (await r.json()) as { scores: number[]; errorMaps: { shape: number[]; data: number[][] } };
  assert.equal(b.scores.length, 2);
  assert.ok(Math.abs(b.scores[0] - (await refScore(tiny.normalSample))) < 1e-5);
  assert.deepEqual(b.errorMaps.shape, [28, 28]);
  // the maps are the library's (the reconstruction's squared errors; the score of an image model is its code
  // distance, score/code-index.ts)
  const want = await ref.scoreArray(new Float32Array([...tiny.normalSample, ...tiny.anomalySample]), 2, true);
  b.errorMaps.data.forEach((m, i) => {
    assert.equal(m.length, 784);
    m.forEach((v, j) => assert.ok(Math.abs(v - want.maps![i * 784 + j]) < 1e-5, `map ${i} pixel ${j}: ${v} vs ${want.maps![i * 784 + j]}`));
  });
});

test('raw tensors as JSON: nested instances and a flat tensor agree', async () => {
  const x = Array.from(tiny.normalSample);
  const nested = Array.from({ length: 28 }, (_, i) => Array.from({ length: 28 }, (_, j) => [x[i * 28 + j]]));
  const a = (await (await post('/v1/models/fmnist/score', JSON.stringify({ instances: [nested] }), 'application/json')).json()) as { scores: number[] };
  const t = (await (await post('/v1/models/fmnist/score', JSON.stringify({ tensor: { shape: [2, 28, 28, 1], data: [...x, ...x] } }), 'application/json')).json()) as { scores: number[] };
  const want = await refScore(tiny.normalSample);
  assert.ok(Math.abs(a.scores[0] - want) < 1e-5);
  assert.equal(t.scores.length, 2);
  assert.ok(Math.abs(t.scores[1] - want) < 1e-5);
});

test('bad requests get clear 4xx answers', async () => {
  const cases: [Promise<Response>, number, RegExp][] = [
    [post('/v1/models/nope/score', '{}', 'application/json'), 404, /no model named 'nope'/],
    [post('/v1/models/..%2F..%2Fetc%2Fpasswd/score', '{}', 'application/json'), 404, /no model named/],
    [post('/v1/models/fmnist/score', JSON.stringify({ instances: [[1, 2, 3]] }), 'application/json'), 400, /instances\[0\]: 3 values, the model takes \[28, 28, 1\]/],
    [post('/v1/models/fmnist/score', JSON.stringify({ instance: [] }), 'application/json'), 400, /unknown key 'instance'/],
    [post('/v1/models/fmnist/score', JSON.stringify({ tensor: { shape: [1, 28, 28, 1], data: ['a'] } }), 'application/json'), 400, /tensor\.data\.0/],
    [post('/v1/models/fmnist/score', '{not json', 'application/json'), 400, /JSON/],
    [post('/v1/models/fmnist/score', new TextEncoder().encode('not a png'), 'image/png'), 415, /neither a PNG nor a JPEG/],
    [post('/v1/models/fmnist/score', '1,2,3\n', 'text/csv'), 415, /not CSV rows/],
    [post('/v1/models/fmnist/score', 'hello', 'text/plain'), 415, /.+/],
    [post('/v1/models/fmnist/score', new Uint8Array(300 * 1024), 'image/png'), 413, /.+/],
    [fetch(base + '/v2/whatever'), 404, /no route/],
  ];
  for (const [p, status, msg] of cases) {
    const r = await p;
    const body = (await r.json()) as { error: string };
    assert.equal(r.status, status, body.error);
    assert.match(body.error, msg);
  }
});

test('concurrent requests are micro-batched, answered correctly, and leak no tensors', async () => {
  const body = JSON.stringify({ tensor: { shape: [1, 28, 28, 1], data: Array.from(tiny.normalSample) } });
  const want = await refScore(tiny.normalSample);
  await post('/v1/models/fmnist/score', body, 'application/json'); // warm
  const before = tf.memory().numTensors;
  const rs = await Promise.all(Array.from({ length: 64 }, () => post('/v1/models/fmnist/score', body, 'application/json').then((r) => r.json() as Promise<{ scores: number[] }>)));
  for (const r of rs) assert.ok(Math.abs(r.scores[0] - want) < 1e-5);
  assert.equal(tf.memory().numTensors, before);
  const text = await (await fetch(base + '/metrics')).text();
  const count = Number(/memae_batch_samples_count\{model="fmnist"\} (\d+)/.exec(text)![1]);
  const sum = Number(/memae_batch_samples_sum\{model="fmnist"\} (\d+)/.exec(text)![1]);
  assert.ok(sum >= 64 + 1);
  assert.ok(count < sum / 2, `${sum} samples in ${count} forward passes: no batching`);
  assert.match(text, /memae_http_requests_total\{route="\/v1\/models\/:name\/score",method="POST",status="200"\}/);
  assert.match(text, /memae_tfjs_tensors \d+/);
});
