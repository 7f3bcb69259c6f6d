// The worker thread of `memae serve`: it loads the saved models and runs their forward passes, so the event-loop
// thread only reads, decodes and answers requests, and both overlap on two cores. Messages: see worker-protocol.ts.
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { loadDetector, type DetectorPort } from '../run/detector-port.js';
import type { ToMain, ToWorker, WorkerInit } from './worker-protocol.js';
import { warmUp } from './warm-up.js';

const port = parentPort!;
const post = (m: ToMain, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);
const errorOf = (e: unknown) => ({ name: (e as Error)?.name ?? 'Error', message: (e as Error)?.message ?? String(e) });

const dets = new Map<string, DetectorPort>();
try {
  const init = workerData as WorkerInit;
  for (const s of init.models) {
    const det = await loadDetector(s.dir);
    dets.set(s.name, det);
    if (init.warmUp) await warmUp(det);
  }
  post({
    type: 'ready',
    models: [...dets].map(([name, d]) => ({ name, kind: d.kind, variant: d.variant, inputShape: d.inputShape, threshold: d.threshold, mapShape: d.errorMapShape, preprocessing: d.preprocessing })),
  });
} catch (e) {
  post({ type: 'failed', error: errorOf(e) });
  for (const d of dets.values()) d.dispose();
  port.close();
}

port.on('message', (m: ToWorker) => {
  if (m.type === 'close') {
    for (const d of dets.values()) d.dispose();
    dets.clear();
    port.close();
    return;
  }
  const det = dets.get(m.name);
  if (!det) return post({ type: 'result', id: m.id, error: { name: 'Error', message: `no model '${m.name}' in the worker` } });
  det.scoreArray(m.x, m.n, m.withMaps, true).then((out) => {
    const mem = tf.memory();
    const scores = Float32Array.from(out.scores);
    const maps = out.maps ? Float32Array.from(out.maps) : undefined;
    post({ type: 'result', id: m.id, scores, maps, tensors: { numTensors: mem.numTensors, numBytes: mem.numBytes } },
      maps ? [scores.buffer, maps.buffer] : [scores.buffer]);
  }, (e) => post({ type: 'result', id: m.id, error: errorOf(e) }));
});
