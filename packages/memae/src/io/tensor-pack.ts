// Packs named tensors into one binary blob with JSON specs (and back), for checkpoints.
import * as tf from '@tensorflow/tfjs-core';

export interface PackedSpec { name: string; shape: number[]; dtype: 'float32' | 'int32'; offset: number; length: number }

export async function packTensors(named: { name: string; tensor: tf.Tensor }[]): Promise<{ specs: PackedSpec[]; data: Uint8Array }> {
  const parts: Uint8Array[] = [];
  const specs: PackedSpec[] = [];
  let offset = 0;
  for (const { name, tensor } of named) {
    if (tensor.dtype !== 'float32' && tensor.dtype !== 'int32') throw new Error(`checkpoint: tensor ${name} has unsupported dtype ${tensor.dtype}`);
    const v = await tensor.data();
    const bytes = new Uint8Array(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength));
    specs.push({ name, shape: tensor.shape.slice(), dtype: tensor.dtype, offset, length: bytes.length });
    parts.push(bytes);
    offset += bytes.length;
  }
  const data = new Uint8Array(offset);
  let o = 0;
  for (const p of parts) { data.set(p, o); o += p.length; }
  return { specs, data };
}

export function unpackTensors(specs: PackedSpec[], data: Uint8Array): { name: string; tensor: tf.Tensor }[] {
  return specs.map((s) => {
    const buf = data.buffer.slice(data.byteOffset + s.offset, data.byteOffset + s.offset + s.length);
    const values = s.dtype === 'int32' ? new Int32Array(buf) : new Float32Array(buf);
    return { name: s.name, tensor: tf.tensor(values, s.shape, s.dtype) };
  });
}
