// The HTTP service scores raw table rows through the model's saved preprocessing: JSON records (objects or arrays)
// and raw CSV rows give the same scores as the same rows read from a file in Node, alone or in a batch. The model is
// a 2-member seed ensemble.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import type { FastifyInstance } from 'fastify';
import { readTable } from '../../src/data/table.js';
import { TabularPreprocessor } from '../../src/preprocess/tabular.js';
import { readWithModel } from '../../src/cli/csv-source.js';
import { createDetector, loadDetector, type DetectorPort } from '../../src/run/detector-port.js';
import { ArrayDataset } from '../../src/data/dataset.js';
import { servedModel } from '../../src/serve/from-detector.js';
import { buildServer } from '../../src/serve/server.js';
import { tempDir } from '../data/helpers.js';
import { HEADER, kddRows, writeCsv } from './kdd-slice.js';

const dir = tempDir();
const rows = kddRows(120);
let app: FastifyInstance;
let base: string;
let ref: DetectorPort;
let fileScores: number[];

before(async () => {
  const trainPath = writeCsv(join(dir, 'train.csv'), rows);
  const t = await readTable(trainPath, { labelColumn: 'label', normalLabels: ['normal.'] });
  const pre = TabularPreprocessor.fit(t, { label: 'label', labelValues: { normal: ['normal.'] }, unseen: 'error' });
  // a seed ensemble of 2 (detector/ensemble.ts): the service's batches (requests mixed) average both networks
  const det = await createDetector({ kind: 'tabular', variant: 'memae', inputShape: [pre.featureCount], seed: 1, preprocessing: pre.toJSON(), ensemble: 2 });
  await det.fit(new ArrayDataset(pre.transform(t), [pre.featureCount]), { epochs: 2, batchSize: 32 });
  const modelDir = join(dir, 'model');
  await det.save(modelDir);
  det.dispose();
  ref = await loadDetector(modelDir);
  assert.equal(ref.members, 2);
  // the Node reference: the first 6 rows read from a file through the saved preprocessing
  const six = await readWithModel(writeCsv(join(dir, 'six.csv'), rows.slice(0, 6)), new TabularPreprocessor(ref.preprocessing as never));
  fileScores = Array.from(await ref.score(six.dataset));
  app = await buildServer({ models: [servedModel('kdd', await loadDetector(modelDir))], maxBatch: 32, maxWaitMs: 2, bodyLimit: 1 << 20, tensorStats: () => tf.memory() });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const a = app.server.address();
  base = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}/v1/models/kdd/score`;
});

after(async () => {
  await app?.close();
  ref?.dispose();
});

// the encoded rows are identical; scores differ only by the float32 rounding of a batched vs a one-row matrix
// product (about 1e-6 relative, bench/csv-recipe.ts), far below what a refit or a wrong column would change
const close = (a: number[], b: number[]) => {
  assert.equal(a.length, b.length);
  a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) <= 1e-5 * Math.abs(v), `score ${i}: ${v} vs ${b[i]}`));
};
const postJson = async (body: unknown) => {
  const r = await fetch(base, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  return { status: r.status, body: (await r.json()) as { scores: number[]; error?: string } };
};
const objects = rows.slice(0, 6).map((r) => Object.fromEntries(HEADER.map((h, j) => [h, r[j]])));

test('JSON records (objects with the label, or arrays without) and raw CSV rows score as the file rows in Node', async () => {
  const batch = await postJson({ records: objects });
  assert.equal(batch.status, 200, JSON.stringify(batch.body));
  close(batch.body.scores, fileScores);
  const alone = await postJson({ records: [rows[3].slice(0, -1)] });
  assert.equal(alone.status, 200, JSON.stringify(alone.body));
  close(alone.body.scores, [fileScores[3]]);
  const text = [HEADER, ...rows.slice(0, 6)].map((r) => r.join(',')).join('\n');
  const r = await fetch(base, { method: 'POST', body: text, headers: { 'content-type': 'text/csv' } });
  assert.equal(r.status, 200);
  close(((await r.json()) as { scores: number[] }).scores, fileScores);
});

test('bad records are a 400 naming the record and the column', async () => {
  const cases: [unknown, RegExp][] = [
    [{ records: [{ ...objects[0], protocol_type: 'sctp' }] }, /records 0, column "protocol_type": category "sctp" was not seen/],
    [{ records: [objects[0], { ...objects[1], src_bytes: 'lots' }] }, /records 1, column "src_bytes": "lots" is not a number/],
    [{ records: [{ ...objects[0], extra: 1 }] }, /records 0: unknown column "extra"/],
    [{ records: [rows[0].slice(0, 5)] }, /records 0: 5 values, expected 41/],
    // a huge value is echoed cut and quoted, line breaks escaped: the error stays one short line
    [{ records: [{ ...objects[0], src_bytes: `9\n${'x'.repeat(1_000_000)}` }] }, /^records 0, column "src_bytes": "9\\nx{58}"\.\.\. \(1000002 characters\) is not a number$/],
  ];
  for (const [body, re] of cases) {
    const r = await postJson(body);
    assert.equal(r.status, 400);
    assert.match(String(r.body.error), re);
  }
});
