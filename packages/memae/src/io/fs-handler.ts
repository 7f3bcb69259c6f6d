// tfjs IOHandlers for a plain directory holding model.json + weights.bin (tfjs-node's file:// is not
// available without tfjs-node). The format is the standard tfjs layers-model format. Loading treats the
// folder as untrusted: guarded reads, paths confined to the folder, validated model.json, finite weights.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { UserError } from '../errors/user-error.js';
import { writeFileAtomic } from './atomic.js';
import { MAX_JSON_BYTES, readFileGuarded, resolveInside } from './guarded-read.js';
import { badWeightValue, MAX_WEIGHT_VALUES, modelJsonSchema, oversizedTopologyField, specValues, type ModelJson } from './model-json.js';

export const MODEL_FILE = 'model.json';
export const WEIGHTS_FILE = 'weights.bin';

/** Joins tfjs weight data (one buffer or several) into one byte array. */
export function weightBytes(d: tf.io.WeightData | undefined): Uint8Array {
  if (d === undefined) return new Uint8Array(0);
  return new Uint8Array(tf.io.CompositeArrayBuffer.join(d));
}

/** The model.json text written for these artifacts. */
export function modelJsonBytes(a: tf.io.ModelArtifacts): Uint8Array {
  const modelJson = {
    modelTopology: a.modelTopology, format: a.format ?? 'layers-model', generatedBy: a.generatedBy, convertedBy: a.convertedBy ?? null,
    weightsManifest: [{ paths: [WEIGHTS_FILE], weights: a.weightSpecs ?? [] }],
  };
  return new TextEncoder().encode(JSON.stringify(modelJson));
}

/** A save handler writing `dir/model.json` and `dir/weights.bin` (each atomically). */
export function directorySaveHandler(dir: string): tf.io.IOHandler {
  return tf.io.withSaveHandler(async (a: tf.io.ModelArtifacts) => {
    writeFileAtomic(join(dir, WEIGHTS_FILE), [weightBytes(a.weightData)]);
    writeFileAtomic(join(dir, MODEL_FILE), [modelJsonBytes(a)]);
    return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(a) };
  });
}

/** What the manifest promises about the files (checked while reading them). */
export interface ArtifactChecks {
  modelJson?: { bytes: number; sha256: string };
  weights?: { file: string; bytes: number; sha256: string };
  /** name of the file holding the checksums, for messages */
  manifestFile?: string;
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** Reads and validates model.json (guarded, zod, bounded topology). */
export function readModelJson(dir: string, check?: ArtifactChecks): ModelJson {
  const mPath = join(dir, MODEL_FILE);
  const bytes = readFileGuarded(resolveInside(dir, MODEL_FILE, dir), { what: 'model file', maxBytes: MAX_JSON_BYTES });
  if (check?.modelJson && (bytes.length !== check.modelJson.bytes || sha256(bytes) !== check.modelJson.sha256)) {
    throw new UserError(`${mPath} does not match the checksum in ${check.manifestFile ?? 'the manifest'} (corrupted or replaced)`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new UserError(`${mPath} is not valid JSON`);
  }
  const r = modelJsonSchema.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new UserError(`${mPath}: invalid field "${i.path.join('.') || '(root)'}": ${i.message}`);
  }
  const big = oversizedTopologyField(r.data.modelTopology);
  if (big) throw new UserError(`${mPath}: invalid size in the model topology: ${big}`);
  return r.data;
}

/** model.json + its weights, validated; the weights are read once, against the promised size and checksum. */
export function readArtifacts(dir: string, check: ArtifactChecks = {}): tf.io.ModelArtifacts {
  const mPath = join(dir, MODEL_FILE);
  const mj = readModelJson(dir, check);
  const specs = mj.weightsManifest.flatMap((g) => g.weights);
  let want = 0;
  for (const s of specs) {
    const n = specValues(s);
    if (n > MAX_WEIGHT_VALUES) throw new UserError(`${mPath}: weight ${s.name} has ${n} values, over the limit of ${MAX_WEIGHT_VALUES}`);
    want += n * 4;
  }
  const paths = mj.weightsManifest.flatMap((g) => g.paths);
  if (check.weights && (paths.length !== 1 || paths[0] !== check.weights.file)) {
    throw new UserError(`${mPath}: names weights files [${paths.map((p) => JSON.stringify(p).slice(0, 100)).join(', ')}], the manifest names ${JSON.stringify(check.weights.file)}`);
  }
  if (check.weights && check.weights.bytes !== want) {
    throw new UserError(`${mPath}: its weight specs need ${want} bytes, ${check.manifestFile ?? 'the manifest'} promises ${check.weights.bytes}`);
  }
  const files = paths.map((p) => resolveInside(dir, p, mPath));
  const buffers: ArrayBuffer[] = [];
  let left = want;
  for (let i = 0; i < files.length; i++) {
    // each file may hold at most what the specs still need; the last one exactly that
    const b = readFileGuarded(files[i], { what: 'weights file', maxBytes: left, ...(i === files.length - 1 ? { expectBytes: left } : {}), nonEmpty: want > 0 })
    left -= b.length;
    if (check.weights && sha256(b) !== check.weights.sha256) {
      throw new UserError(`${dir}: ${check.weights.file} does not match the checksum in ${check.manifestFile ?? 'the manifest'} (corrupted or replaced)`);
    }
    buffers.push(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer);
  }
  const weightData = tf.io.CompositeArrayBuffer.join(buffers);
  const bad = badWeightValue(specs, weightData);
  if (bad) throw new UserError(`${dir}: ${bad}; the model cannot be used`);
  return { modelTopology: mj.modelTopology, format: mj.format, generatedBy: mj.generatedBy, convertedBy: mj.convertedBy ?? undefined, weightSpecs: specs as tf.io.WeightsManifestEntry[], weightData };
}

/** A load handler reading what directorySaveHandler wrote; damaged or hostile files give a UserError. */
export function directoryLoadHandler(dir: string, check?: ArtifactChecks): tf.io.IOHandler {
  return { load: async () => readArtifacts(dir, check) };
}
