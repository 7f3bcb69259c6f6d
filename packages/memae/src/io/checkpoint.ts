// Training checkpoints: one file holding model weights, Adam state and trainer state, replaced atomically
// after every epoch. Layout: "MEMAECK1", u32 header length (LE), JSON header, tensor bytes.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { UserError } from '../errors/user-error.js';
import { writeFileAtomic } from './atomic.js';
import { PackedSpec, packTensors, unpackTensors } from './tensor-pack.js';

const MAGIC = 'MEMAECK1';

export interface CheckpointState {
  /** any JSON: config, epochs done, history, early-stopping state */
  meta: Record<string, unknown>;
  model: { name: string; tensor: tf.Tensor }[];
  optimizer: { name: string; tensor: tf.Tensor }[];
}

export async function writeCheckpoint(path: string, state: CheckpointState): Promise<void> {
  const model = await packTensors(state.model);
  const opt = await packTensors(state.optimizer);
  const sha256 = createHash('sha256').update(model.data).update(opt.data).digest('hex');
  const header = new TextEncoder().encode(JSON.stringify({
    format: 'memae-checkpoint', version: 1, meta: state.meta, modelSpecs: model.specs, optimizerSpecs: opt.specs,
    modelBytes: model.data.length, sha256,
  }));
  const len = new Uint8Array(4);
  new DataView(len.buffer).setUint32(0, header.length, true);
  writeFileAtomic(path, [new TextEncoder().encode(MAGIC), len, header, model.data, opt.data]);
}

/** Reads a checkpoint; returns undefined when the file does not exist. Throws UserError when it is damaged. */
export function readCheckpoint(path: string): CheckpointState | undefined {
  if (!existsSync(path)) return undefined;
  const bad = (why: string) => new UserError(`checkpoint ${path} is damaged (${why}); delete it to start over`);
  const buf = readFileSync(path);
  if (buf.length < 12 || buf.subarray(0, 8).toString('latin1') !== MAGIC) throw bad('not a memae checkpoint');
  const hlen = buf.readUInt32LE(8);
  if (12 + hlen > buf.length) throw bad('truncated header');
  let header: { meta: Record<string, unknown>; modelSpecs: PackedSpec[]; optimizerSpecs: PackedSpec[]; modelBytes: number; sha256: string };
  try {
    header = JSON.parse(buf.subarray(12, 12 + hlen).toString('utf8'));
  } catch {
    throw bad('unreadable header');
  }
  const data = buf.subarray(12 + hlen);
  const sha = createHash('sha256').update(data).digest('hex');
  if (sha !== header.sha256) throw bad('checksum mismatch');
  return {
    meta: header.meta,
    model: unpackTensors(header.modelSpecs, data.subarray(0, header.modelBytes)),
    optimizer: unpackTensors(header.optimizerSpecs, data.subarray(header.modelBytes)),
  };
}
