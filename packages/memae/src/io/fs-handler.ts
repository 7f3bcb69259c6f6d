// tfjs IOHandlers for a plain directory holding model.json + weights.bin (tfjs-node's file:// is not
// available without tfjs-node). The format is the standard tfjs layers-model format.
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { UserError } from '../errors/user-error.js';
import { writeFileAtomic } from './atomic.js';

export const MODEL_FILE = 'model.json';
export const WEIGHTS_FILE = 'weights.bin';

/** Joins tfjs weight data (one buffer or several) into one byte array. */
export function weightBytes(d: tf.io.WeightData | undefined): Uint8Array {
  if (d === undefined) return new Uint8Array(0);
  return new Uint8Array(tf.io.CompositeArrayBuffer.join(d));
}

/** A save handler writing `dir/model.json` and `dir/weights.bin` (each atomically). */
export function directorySaveHandler(dir: string): tf.io.IOHandler {
  return tf.io.withSaveHandler(async (a: tf.io.ModelArtifacts) => {
    const bytes = weightBytes(a.weightData);
    writeFileAtomic(join(dir, WEIGHTS_FILE), [bytes]);
    const modelJson = {
      modelTopology: a.modelTopology, format: a.format ?? 'layers-model', generatedBy: a.generatedBy, convertedBy: a.convertedBy ?? null,
      weightsManifest: [{ paths: [WEIGHTS_FILE], weights: a.weightSpecs ?? [] }],
    };
    writeFileAtomic(join(dir, MODEL_FILE), [new TextEncoder().encode(JSON.stringify(modelJson))]);
    return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(a) };
  });
}

interface ModelJson { modelTopology: object; format?: string; generatedBy?: string; convertedBy?: string | null; weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[] }

/** A load handler reading what directorySaveHandler wrote; damaged files give a UserError. */
export function directoryLoadHandler(dir: string): tf.io.IOHandler {
  return {
    load: async () => {
      const mPath = join(dir, MODEL_FILE);
      if (!existsSync(mPath)) throw new UserError(`${dir}: no ${MODEL_FILE}`);
      let mj: ModelJson;
      try {
        mj = JSON.parse(readFileSync(mPath, 'utf8'));
      } catch {
        throw new UserError(`${mPath} is not valid JSON`);
      }
      if (!mj || typeof mj.modelTopology !== 'object' || !Array.isArray(mj.weightsManifest)) throw new UserError(`${mPath} is not a tfjs layers model`);
      const specs = mj.weightsManifest.flatMap((g) => g.weights);
      const buffers = mj.weightsManifest.flatMap((g) => g.paths).map((p) => {
        const wp = join(dir, p);
        if (!existsSync(wp)) throw new UserError(`${dir}: missing weights file ${p}`);
        const b = readFileSync(wp);
        return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
      });
      const weightData = tf.io.CompositeArrayBuffer.join(buffers);
      const want = specs.reduce((s, w) => s + w.shape.reduce((a, b) => a * b, 1) * 4, 0);
      if (weightData.byteLength !== want) throw new UserError(`${dir}: weights hold ${weightData.byteLength} bytes, the model needs ${want}`);
      return { modelTopology: mj.modelTopology, format: mj.format, generatedBy: mj.generatedBy, convertedBy: mj.convertedBy ?? undefined, weightSpecs: specs, weightData };
    },
  };
}
