// A worker_threads Worker has its own backend next to the main thread's: Node loads the addon once per process, so
// the addon's tensor store, shape buffer and replay state are per thread. With one shared shape buffer (before),
// the Worker's backend took it over: the main thread then read stale shapes, and wrote into the Worker's freed
// buffer once it had exited (`memae serve --worker` aborted at exit with `free(): invalid pointer`).
import * as tf from '@tensorflow/tfjs-core';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { registerLibtorchBackend } from '../src/index.js';

registerLibtorchBackend();

// The Worker runs the built package (the addon is the same file either way).
const req = createRequire(import.meta.url);
const backendUrl = new URL('../dist/index.js', import.meta.url).href;
const tfUrl = pathToFileURL(req.resolve('@tensorflow/tfjs-core')).href;

// Worker: its own backend, then on 'go' ops of other shapes, checked there, and an answer.
const workerSource = `
const { parentPort } = await import('node:worker_threads');
const tf = await import(${JSON.stringify(tfUrl)});
const { registerLibtorchBackend } = await import(${JSON.stringify(backendUrl)});
registerLibtorchBackend();
await tf.setBackend('libtorch');
tf.tidy(() => tf.sum(tf.ones([3, 5, 7]), 1)).dispose();
parentPort.postMessage({ type: 'ready', backend: tf.getBackend() });
parentPort.once('message', () => {
  const bad = [];
  for (let i = 0; i < 200; i++) {
    const y = tf.tidy(() => tf.sum(tf.ones([3, 5, i % 2 ? 7 : 2]), 1));
    const want = [3, i % 2 ? 7 : 2];
    if (String(y.shape) !== String(want) || y.dataSync()[0] !== 5) bad.push(String(y.shape));
    y.dispose();
  }
  parentPort.postMessage({ type: 'done', bad, tensors: tf.memory().numTensors });
});
`;

/** a [2, n] product, checked in shape and values */
function product(n: number): void {
  const y = tf.tidy(() => tf.matMul(tf.ones([2, 3]), tf.fill([3, n], 2)));
  assert.deepEqual(y.shape, [2, n], 'main thread shape');
  assert.deepEqual([...y.dataSync()], new Array(2 * n).fill(6), 'main thread values');
  y.dispose();
}

test('a Worker with its own libtorch backend: shapes and values stay right on both threads, during and after it', async () => {
  await tf.setBackend('libtorch');
  product(1);
  const worker = new Worker(`import(${JSON.stringify(`data:text/javascript,${encodeURIComponent(workerSource)}`)})`, { eval: true });
  const next = () => new Promise<{ type: string; backend?: string; bad?: string[]; tensors?: number }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  const ready = await next();
  assert.equal(ready.backend, 'libtorch');
  // the Worker's backend exists now: the main thread's results must still be its own
  for (let i = 0; i < 50; i++) product(4 + (i % 3));
  worker.postMessage('go');
  const done = await next();
  assert.deepEqual(done.bad, [], 'the Worker read the shapes it computed');
  assert.equal(done.tensors, 0);
  await worker.terminate();
  // and after the Worker and its buffer are gone
  for (let i = 0; i < 50; i++) product(1 + (i % 5));
});
