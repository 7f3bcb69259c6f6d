// Training checkpoints: one file holding model weights, Adam state and trainer state, replaced atomically
// after every epoch. Layout: "MEMAECK1", u32 header length (LE), JSON header, tensor bytes.
// Reading treats the file as untrusted: guarded read, zod-validated header, every tensor's shape, dtype,
// offset and length checked against the bytes present, values checked finite. Format 2 (written now)
// has its checksum cover the header as well as the tensor bytes; format 1 files still load.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { UserError } from '../errors/user-error.js';
import { cleanStaleTemps, writeFileAtomic } from './atomic.js';
import { readFileGuarded } from './guarded-read.js';
import { MAX_DIM } from './model-json.js';
import { packTensors, unpackTensors } from './tensor-pack.js';

const MAGIC = 'MEMAECK1';
const VERSION = 2;
/** Largest JSON header (history of many epochs included). */
const MAX_HEADER_BYTES = 64 * 1024 * 1024;

export interface CheckpointState {
  /** any JSON: config, epochs done, history, early-stopping state */
  meta: Record<string, unknown>;
  model: { name: string; tensor: tf.Tensor }[];
  optimizer: { name: string; tensor: tf.Tensor }[];
}

const spec = z.object({
  name: z.string().min(1).max(512),
  shape: z.array(z.number().int().min(0).max(MAX_DIM)).max(8),
  dtype: z.enum(['float32', 'int32']),
  offset: z.number().int().nonnegative(),
  length: z.number().int().nonnegative(),
}).strict();

const headerSchema = z.object({
  format: z.literal('memae-checkpoint'),
  version: z.union([z.literal(1), z.literal(2)]),
  meta: z.record(z.string(), z.unknown()),
  modelSpecs: z.array(spec).min(1).max(10_000),
  optimizerSpecs: z.array(spec).min(1).max(30_000),
  modelBytes: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
type Header = z.infer<typeof headerSchema>;
type Spec = z.infer<typeof spec>;

function checksum(version: number, headerWithoutSha: Omit<Header, 'sha256'>, data: Uint8Array[]): string {
  const h = createHash('sha256');
  if (version >= 2) h.update(JSON.stringify(headerWithoutSha));
  for (const d of data) h.update(d);
  return h.digest('hex');
}

export async function writeCheckpoint(path: string, state: CheckpointState): Promise<void> {
  const model = await packTensors(state.model);
  const opt = await packTensors(state.optimizer);
  const body = {
    format: 'memae-checkpoint' as const, version: VERSION as 2, meta: state.meta, modelSpecs: model.specs, optimizerSpecs: opt.specs,
    modelBytes: model.data.length,
  };
  // the checksum is taken over the header as it will be parsed back (JSON round trip)
  const parsedBody = JSON.parse(JSON.stringify(body)) as Omit<Header, 'sha256'>;
  const sha256 = checksum(VERSION, parsedBody, [model.data, opt.data]);
  const header = new TextEncoder().encode(JSON.stringify({ ...body, sha256 }));
  const len = new Uint8Array(4);
  new DataView(len.buffer).setUint32(0, header.length, true);
  writeFileAtomic(path, [new TextEncoder().encode(MAGIC), len, header, model.data, opt.data]);
}

/** One section's specs must tile it exactly: contiguous, each length = 4 * prod(shape), nothing left over. */
function checkSection(specs: Spec[], bytes: number, section: string, bad: (why: string) => UserError, floatOnly: (s: Spec, i: number) => boolean): void {
  let off = 0;
  specs.forEach((s, i) => {
    const values = s.shape.reduce((a, b) => a * b, 1);
    if (s.dtype !== 'float32' && floatOnly(s, i)) throw bad(`${section} tensor ${s.name} has dtype ${s.dtype}, float32 expected`);
    if (s.length !== values * 4) throw bad(`${section} tensor ${s.name}: length ${s.length} does not fit shape [${s.shape}]`);
    if (s.offset !== off) throw bad(`${section} tensor ${s.name}: offset ${s.offset}, ${off} expected`);
    off += s.length;
    if (off > bytes) throw bad(`${section} tensor ${s.name} runs past the end of the file`);
  });
  if (off !== bytes) throw bad(`${section} section holds ${bytes} bytes, its tensors ${off}`);
}

/** The first tensor holding a non-finite value (or, for model weights, one beyond +-1e30), as a reason. */
function badValues(specs: Spec[], data: Uint8Array, bound: number): string | undefined {
  for (const s of specs) {
    if (s.dtype !== 'float32') continue;
    const v = new Float32Array(data.buffer.slice(data.byteOffset + s.offset, data.byteOffset + s.offset + s.length));
    for (const x of v) {
      if (!Number.isFinite(x)) return `tensor ${s.name} holds non-finite values`;
      if (Math.abs(x) > bound) return `tensor ${s.name} holds ${x}, beyond +-${bound}`;
    }
  }
  return undefined;
}

/** Removes temp files a killed writer left beside `path` (no-op when there are none). */
export function cleanCheckpointTemps(path: string): void {
  cleanStaleTemps(path);
}

/** Reads a checkpoint; returns undefined when the file does not exist. Throws UserError when it is damaged. */
export function readCheckpoint(path: string): CheckpointState | undefined {
  cleanStaleTemps(path);
  if (!existsSync(path)) return undefined;
  const bad = (why: string) => new UserError(`checkpoint ${path} is damaged (${why}); delete it to start over`);
  const buf = readFileGuarded(path, { what: 'checkpoint', nonEmpty: false });
  if (buf.length < 12 || buf.subarray(0, 8).toString('latin1') !== MAGIC) throw bad('not a memae checkpoint');
  const hlen = buf.readUInt32LE(8);
  if (hlen > MAX_HEADER_BYTES) throw bad(`header of ${hlen} bytes`);
  if (12 + hlen > buf.length) throw bad('truncated header');
  let raw: unknown;
  try {
    raw = JSON.parse(buf.subarray(12, 12 + hlen).toString('utf8'));
  } catch {
    throw bad('unreadable header');
  }
  const r = headerSchema.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0];
    throw bad(`header field "${i.path.join('.') || '(root)'}": ${i.message}`);
  }
  const header = r.data;
  const data = buf.subarray(12 + hlen);
  const rest: Record<string, unknown> = { ...(raw as Header) };
  delete rest.sha256;
  if (checksum(header.version, rest as Omit<Header, 'sha256'>, [data]) !== header.sha256) throw bad('checksum mismatch');
  if (header.modelBytes > data.length) throw bad(`model section of ${header.modelBytes} bytes, the file holds ${data.length}`);
  // model weights are float32; Adam's first tensor (its step count) may be int32
  checkSection(header.modelSpecs, header.modelBytes, 'model', bad, () => true);
  checkSection(header.optimizerSpecs, data.length - header.modelBytes, 'optimizer', bad, (_s, i) => i > 0);
  const modelData = data.subarray(0, header.modelBytes);
  const optData = data.subarray(header.modelBytes);
  const why = badValues(header.modelSpecs, modelData, 1e30) ?? badValues(header.optimizerSpecs, optData, Infinity);
  if (why) throw bad(why);
  return {
    meta: header.meta,
    model: unpackTensors(header.modelSpecs, modelData),
    optimizer: unpackTensors(header.optimizerSpecs, optData),
  };
}
