// model.json (the tfjs layers-model file) validated as untrusted input: bounded weight specs (float32 only,
// no quantization), bounded sizes in the topology (so building the model cannot allocate without limit),
// and weight values checked finite (batch-norm variances non-negative) once the bytes are read.
import { z } from 'zod';

/** Largest size of one weight dimension and largest number in a layer's size fields. */
export const MAX_DIM = 1 << 20;
/** Largest number of values in one weight tensor. */
export const MAX_WEIGHT_VALUES = 1 << 28;

const weightSpec = z.object({
  name: z.string().min(1).max(512),
  shape: z.array(z.number().int().min(0).max(MAX_DIM)).max(8),
  dtype: z.literal('float32', { message: 'only float32 weights are supported' }),
  group: z.string().optional(),
  quantization: z.undefined({ message: 'quantized weights are not supported' }).optional(),
}).strict();

export const modelJsonSchema = z.object({
  modelTopology: z.record(z.string(), z.unknown()),
  format: z.string().max(64).optional(),
  generatedBy: z.string().max(256).optional(),
  convertedBy: z.string().max(256).nullable().optional(),
  weightsManifest: z.array(z.object({
    paths: z.array(z.string().min(1).max(1024)).min(1).max(64),
    weights: z.array(weightSpec).max(10_000),
  })).min(1).max(64),
});

export type ModelJson = z.infer<typeof modelJsonSchema>;
export type WeightSpec = z.infer<typeof weightSpec>;

export const specValues = (s: { shape: number[] }): number => s.shape.reduce((a, b) => a * b, 1);

// layer config keys that size an allocation when the model is built
const SIZE_KEY = /^(units|filters|slots|kernel_?size|strides|pool_?size|(batch_)?input_?shape|batchInputShape|target_?shape|targetShape|key_?dim|keyDim|bits|hash_?bits|hashBits|max_?keys|maxKeys|top_?k|topK|channels|scales|cropping|size|dims|output_?dim|input_?dim)$/i;

/** The first size field in the topology that is not a bounded non-negative integer, as "path = value". */
export function oversizedTopologyField(topology: unknown): string | undefined {
  const walk = (v: unknown, path: string, sized: boolean, depth: number): string | undefined => {
    if (depth > 64) return `${path} (nested too deep)`;
    if (typeof v === 'number') {
      if (sized && !(Number.isInteger(v) && v >= 0 && v <= MAX_DIM)) return `${path} = ${v}`;
      return undefined;
    }
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const r = walk(v[i], `${path}[${i}]`, sized, depth + 1);
        if (r) return r;
      }
      return undefined;
    }
    if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        const r = walk(x, path ? `${path}.${k}` : k, sized || SIZE_KEY.test(k), depth + 1);
        if (r) return r;
      }
    }
    return undefined;
  };
  return walk(topology, '', false, 0);
}

/** The first weight that holds a non-finite value (or a negative batch-norm variance), as a message. */
export function badWeightValue(specs: WeightSpec[], data: ArrayBuffer): string | undefined {
  const all = new Float32Array(data);
  let off = 0;
  for (const s of specs) {
    const n = specValues(s);
    const variance = /(running|moving)_?var/i.test(s.name);
    for (let i = off; i < off + n; i++) {
      const x = all[i];
      if (!Number.isFinite(x) || Math.abs(x) > 1e30) return `weight ${s.name} holds ${x} (not a finite value)`;
      if (variance && x < 0) return `weight ${s.name} (a batch-norm variance) holds a negative value ${x}`;
    }
    off += n;
  }
  return undefined;
}
