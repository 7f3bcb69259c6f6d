// Memory addressing cost: MAMA Net's hash (Hamming) addressing vs MemAE's softmax addressing, per query, as the
// number of slots N grows. Inference (forward) and training (forward + backward) time, and the peak bytes of
// tensors the read allocates (tfjs engine accounting, tf.profile), per query.
//
//   npx tsx bench/hash-vs-softmax.ts                      (N = 100,1000,10000, 1024 queries of dim 64, 16 bits)
//   npx tsx bench/hash-vs-softmax.ts --slots 100,1000 --queries 256 --dim 64 --bits 16 --repeats 5
import { benchArgs } from './lib/args.js';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, type BackendChoice } from '../packages/memae/src/backend/select.js';
import { readMemory } from '../packages/memae/src/memory/addressing.js';
import { hashReadMemory } from '../packages/memae/src/memory/hash-memory.js';
import { markdownTable, parseList, writeResults } from './lib/results.js';

const { values: a } = benchArgs(import.meta.url, {
  options: {
    slots: { type: 'string', default: '100,1000,10000' },
    queries: { type: 'string', default: '1024' },
    dim: { type: 'string', default: '64' },
    bits: { type: 'string', default: '16' },
    topk: { type: 'string', default: '1' },
    repeats: { type: 'string', default: '5' },
    backend: { type: 'string', default: 'auto' },
  },
});
const backend = await initBackend(a.backend as BackendChoice);
const slotsList = parseList(a.slots, [100, 1000, 10000]);
const Q = Number(a.queries), C = Number(a.dim), bits = Number(a.bits), topK = Number(a.topk), repeats = Number(a.repeats);

type Method = 'softmax' | 'hash';
interface Row { method: Method; slots: number; inferUsPerQuery: number; trainUsPerQuery: number; peakBytesPerQuery: number }

const q = tf.randomUniform([Q, C], -1, 1, 'float32', 1) as tf.Tensor2D;
const p = tf.randomNormal([C, bits], 0, 1, 'float32', 2) as tf.Tensor2D;

function read(method: Method, m: tf.Tensor2D, x: tf.Tensor2D, training: boolean): tf.Tensor2D {
  return method === 'softmax'
    ? readMemory(x, m, { similarity: 'dot', shrinkThreshold: 1 / m.shape[0] }).output
    : hashReadMemory(x, m, p, { topK, straightThrough: training }).output;
}

/** Median milliseconds of fn (waits for the result's data). */
async function timeIt(fn: () => tf.Tensor): Promise<number> {
  const times: number[] = [];
  for (let r = 0; r < repeats + 1; r++) {
    const t0 = performance.now();
    const out = fn();
    await out.data();
    out.dispose();
    if (r > 0) times.push(performance.now() - t0); // first run is warm-up
  }
  times.sort((x, y) => x - y);
  return times[Math.floor(times.length / 2)];
}

const rows: Row[] = [];
for (const n of slotsList) {
  const mv = tf.variable(tf.randomUniform([n, C], -0.1, 0.1, 'float32', 3), true, `mem_${n}`);
  const m = mv as unknown as tf.Tensor2D;
  for (const method of ['softmax', 'hash'] as Method[]) {
    const infer = await timeIt(() => tf.tidy(() => read(method, m, q, false)));
    const train = await timeIt(() => tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => tf.sum(read(method, m, q, true)) as tf.Scalar, [mv]);
      return tf.add(value, tf.sum(grads[mv.name]));
    }));
    const prof = await tf.profile(() => tf.tidy(() => read(method, m, q, false)));
    const row: Row = { method, slots: n, inferUsPerQuery: (infer * 1000) / Q, trainUsPerQuery: (train * 1000) / Q, peakBytesPerQuery: prof.peakBytes / Q };
    rows.push(row);
    console.log(`${method.padEnd(7)} N=${String(n).padStart(6)}: inference ${row.inferUsPerQuery.toFixed(2)} us/query, training ${row.trainUsPerQuery.toFixed(2)} us/query, peak ${(row.peakBytesPerQuery / 1024).toFixed(1)} KiB/query`);
    (prof.result as tf.Tensor).dispose?.();
  }
  mv.dispose();
}
tf.dispose([q, p]);

const md = `# Hash vs softmax addressing (${backend})\n\n${Q} queries of dimension ${C}, hash codes of ${bits} bits, top-${topK}; median of ${repeats} runs after a warm-up. ` +
  'Peak = most bytes of live tensors during one inference read (tfjs engine accounting), divided by the number of queries.\n\n' +
  markdownTable(['N slots', 'softmax infer (µs/query)', 'hash infer (µs/query)', 'softmax train (µs/query)', 'hash train (µs/query)', 'softmax peak (KiB/query)', 'hash peak (KiB/query)'],
    slotsList.map((n) => {
      const s = rows.find((r) => r.slots === n && r.method === 'softmax')!, h = rows.find((r) => r.slots === n && r.method === 'hash')!;
      return [String(n), s.inferUsPerQuery.toFixed(2), h.inferUsPerQuery.toFixed(2), s.trainUsPerQuery.toFixed(2), h.trainUsPerQuery.toFixed(2),
        (s.peakBytesPerQuery / 1024).toFixed(1), (h.peakBytesPerQuery / 1024).toFixed(1)];
    })) + `\nCommand: \`npx tsx bench/hash-vs-softmax.ts ${process.argv.slice(2).join(' ')}\`\n`;
const out = writeResults('hash-vs-softmax', { backend, queries: Q, dim: C, bits, topK, repeats, rows }, md);
console.log(`\n${md}\nwrote ${out.json} and ${out.md}`);
