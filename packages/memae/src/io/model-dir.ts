// One directory per model: model.json + weights.bin (tfjs format) + manifest.json (memae's metadata).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as tfl from '@tensorflow/tfjs-layers';
import { UserError } from '../errors/user-error.js';
import '../models/index.js'; // registers memae's custom layers for deserialisation
import { resolveConfig, usesMemory } from '../models/config.js';
import type { ModelConfig } from '../models/config.js';
import { writeFileAtomic } from './atomic.js';
import { directoryLoadHandler, directorySaveHandler, WEIGHTS_FILE } from './fs-handler.js';
import { Manifest, MANIFEST_FILE, manifestSchema } from './manifest.js';

export type ManifestDraft = Omit<Manifest, 'weights' | 'format' | 'formatVersion' | 'createdAt'>;

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

export async function saveModelDir(dir: string, model: tfl.LayersModel, draft: ManifestDraft): Promise<Manifest> {
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new UserError(`${dir} exists and is not a directory`);
  await model.save(directorySaveHandler(dir));
  const bytes = readFileSync(join(dir, WEIGHTS_FILE));
  const manifest: Manifest = {
    format: 'memae-model', formatVersion: 1, ...draft,
    weights: { file: WEIGHTS_FILE, bytes: bytes.length, sha256: sha256(bytes) },
    createdAt: new Date().toISOString(),
  };
  writeFileAtomic(join(dir, MANIFEST_FILE), [new TextEncoder().encode(JSON.stringify(manifest, null, 2) + '\n')]);
  return manifest;
}

export function readManifest(dir: string): Manifest {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UserError(`${dir} is not a model directory`);
  const p = join(dir, MANIFEST_FILE);
  if (!existsSync(p)) throw new UserError(`${dir}: no ${MANIFEST_FILE} (not a memae model directory)`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(p, 'utf8'));
  } catch {
    throw new UserError(`${p} is not valid JSON`);
  }
  const r = manifestSchema.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new UserError(`${p}: invalid field "${i.path.join('.') || '(root)'}": ${i.message}`);
  }
  return r.data;
}

/** Loads and validates a model directory (manifest, checksum, topology against the config). */
export async function loadModelDir(dir: string): Promise<{ model: tfl.LayersModel; config: ModelConfig; manifest: Manifest }> {
  const manifest = readManifest(dir);
  if (manifest.kind !== manifest.config.kind || manifest.variant !== manifest.config.variant) {
    throw new UserError(`${dir}: manifest kind/variant (${manifest.kind}/${manifest.variant}) disagree with its config (${manifest.config.kind}/${manifest.config.variant})`);
  }
  let config: ModelConfig;
  try {
    config = resolveConfig({ memoryQuery: 'location', ...manifest.config });
  } catch (e) {
    throw new UserError(`${dir}: invalid model config: ${(e as Error).message}`);
  }
  const wp = join(dir, manifest.weights.file);
  if (!existsSync(wp)) throw new UserError(`${dir}: missing weights file ${manifest.weights.file}`);
  const bytes = readFileSync(wp);
  if (bytes.length !== manifest.weights.bytes || sha256(bytes) !== manifest.weights.sha256) {
    throw new UserError(`${dir}: ${manifest.weights.file} does not match the checksum in ${MANIFEST_FILE} (corrupted or replaced)`);
  }
  let model: tfl.LayersModel;
  try {
    model = await tfl.loadLayersModel(directoryLoadHandler(dir));
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(`${dir}: cannot read the model: ${(e as Error).message.split('\n')[0]}`);
  }
  const inShape = model.inputs[0].shape.slice(1);
  const hasMemory = model.layers.some((l) => l.getClassName() === 'MemAEMemory' || l.getClassName() === 'MamaHashMemory');
  if (inShape.join(',') !== config.inputShape.join(',') || hasMemory !== usesMemory(config)) {
    model.dispose();
    throw new UserError(`${dir}: model.json does not match the manifest (input [${inShape}] vs [${config.inputShape}], memory ${hasMemory} vs ${usesMemory(config)})`);
  }
  return { model, config, manifest };
}
