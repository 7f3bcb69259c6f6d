// Duplicate samples: tables such as KDD Cup 99 repeat a few rows tens of thousands of times, so a loss averaged
// over rows is spent on them and rare row kinds stay badly reconstructed. Training on the distinct rows weights
// every distinct row once.
import type { Dataset } from './dataset.js';

/** Indices of the first occurrence of each distinct sample (bit-exact values), in order. */
export function distinctIndices(ds: Dataset, chunk = 4096): Int32Array {
  const n = ds.sampleShape.reduce((a, b) => a * b, 1);
  const seen = new Set<string>();
  const keep: number[] = [];
  for (let s = 0; s < ds.size; s += chunk) {
    const m = Math.min(chunk, ds.size - s);
    const v = ds.gather(Int32Array.from({ length: m }, (_, i) => s + i));
    const bytes = Buffer.from(v.buffer, v.byteOffset, v.byteLength);
    for (let i = 0; i < m; i++) {
      const key = bytes.toString('latin1', i * n * 4, (i + 1) * n * 4);
      if (!seen.has(key)) {
        seen.add(key);
        keep.push(s + i);
      }
    }
  }
  return Int32Array.from(keep);
}
