// The event-loop side of the model worker: starts serve/model-worker.ts, waits for the models to load, and gives
// each one as a ServedModel whose forward passes run in the worker (inputs and outputs move as transferred buffers).
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { UserError } from '../errors/user-error.js';
import type { BatchOutput } from './batcher.js';
import type { ServedModel } from './served-model.js';
import type { ToMain, ToWorker, WireError, WorkerInit } from './worker-protocol.js';

export interface WorkerModels {
  models: ServedModel[];
  /** live tensors in the worker, as of its last answer */
  tensorStats(): { numTensors: number; numBytes: number };
  /** frees the models and ends the worker */
  close(): Promise<void>;
}

const fromWire = (e: WireError): Error => {
  const err = e.name === 'UserError' ? new UserError(e.message) : new Error(e.message);
  if (e.name !== 'UserError') err.name = e.name;
  return err;
};

/** The worker: the compiled .js next to this file, or (running from sources) the .ts through tsx. */
function spawnWorker(init: WorkerInit): Worker {
  const self = import.meta.url;
  if (!self.endsWith('.ts')) return new Worker(new URL('./model-worker.js', self), { workerData: init });
  // tsx's ESM entry (its package exports map 'tsx/esm/api' to index.cjs for require, index.mjs for import)
  const tsx = createRequire(self).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs');
  const entry = new URL('./model-worker.ts', self).href;
  const tsconfig = fileURLToPath(new URL('../../../../tsconfig.json', self));
  const boot = `import(${JSON.stringify(new URL(`file://${tsx}`).href)}).then((t) => { t.register({ tsconfig: ${JSON.stringify(tsconfig)} }); return import(${JSON.stringify(entry)}); })`;
  return new Worker(boot, { eval: true, workerData: init });
}

/** Loads `specs` in a worker thread; rejects with the worker's error (a UserError stays one) when one fails to load. */
export async function startModelWorker(specs: { name: string; dir: string }[], warmUp = true): Promise<WorkerModels> {
  const worker = spawnWorker({ models: specs, warmUp });
  const pending = new Map<number, { resolve: (o: BatchOutput) => void; reject: (e: unknown) => void }>();
  let nextId = 0;
  let stats = { numTensors: 0, numBytes: 0 };
  let dead: Error | undefined;
  const failAll = (e: Error) => {
    dead ??= e;
    for (const p of pending.values()) p.reject(e);
    pending.clear();
  };

  const meta = await new Promise<Extract<ToMain, { type: 'ready' }>['models']>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the model worker exited with code ${code} while loading`)));
    worker.once('message', (m: ToMain) => {
      if (m.type === 'ready') resolve(m.models);
      else if (m.type === 'failed') reject(fromWire(m.error));
      else reject(new Error(`unexpected message '${m.type}' from the model worker`));
    });
  }).finally(() => {
    worker.removeAllListeners('error');
    worker.removeAllListeners('exit');
  });

  worker.on('message', (m: ToMain) => {
    if (m.type !== 'result') return;
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (m.tensors) stats = m.tensors;
    if (m.error) p.reject(fromWire(m.error));
    else p.resolve({ scores: m.scores!, maps: m.maps });
  });
  // a crash of the worker fails the requests in it (500) and every later one, rather than hanging them
  worker.on('error', (e) => failAll(new Error(`the model worker failed: ${e.message}`)));
  const exited = new Promise<void>((done) => worker.on('exit', (code) => {
    failAll(new Error(`the model worker exited (code ${code})`));
    done();
  }));

  const send = (m: ToWorker, transfer: ArrayBuffer[] = []) => worker.postMessage(m, transfer);
  let open = meta.length;
  let closing: Promise<void> | undefined;
  const close = () => (closing ??= (async () => {
    if (!dead) send({ type: 'close' });
    await exited;
  })());

  const models: ServedModel[] = meta.map((m) => ({
    ...m,
    run: (x: Float32Array, n: number, withMaps: boolean) => new Promise<BatchOutput>((resolve, reject) => {
      if (dead) return reject(dead);
      const id = nextId++;
      pending.set(id, { resolve, reject });
      // a copy moves to the worker (the caller may still use x; a view would clone its whole buffer)
      const copy = x.slice();
      send({ type: 'score', id, name: m.name, x: copy, n, withMaps }, [copy.buffer]);
    }),
    dispose: () => {
      if (--open === 0) void close();
    },
  }));
  return { models, tensorStats: () => stats, close };
}
