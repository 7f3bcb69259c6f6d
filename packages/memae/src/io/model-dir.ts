// One directory per model: model.json + weights.bin (tfjs format) + manifest.json (memae's metadata).
// Format 2 manifests carry checksums of the weights, of model.json and of their own content.
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as tfl from '@tensorflow/tfjs-layers';
import { UserError } from '../errors/user-error.js';
import '../models/index.js'; // registers memae's custom layers for deserialisation
import { resolveConfig, usesMemory } from '../models/config.js';
import type { ModelConfig } from '../models/config.js';
import { writeFileAtomic } from './atomic.js';
import { directoryLoadHandler, directorySaveHandler, MODEL_FILE, WEIGHTS_FILE } from './fs-handler.js';
import { MAX_JSON_BYTES, readFileGuarded, resolveInside } from './guarded-read.js';
import { codeScoreFormat, Manifest, MANIFEST_FILE, MANIFEST_FORMAT, manifestSchema } from './manifest.js';

export type ManifestDraft = Omit<Manifest, 'weights' | 'format' | 'formatVersion' | 'createdAt' | 'modelJson' | 'contentSha256'>;

const sha256 = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');

/** The checksum of a manifest's content: its JSON without `contentSha256`. */
export function manifestContentSha256(m: Record<string, unknown>): string {
  const rest = { ...m };
  delete rest.contentSha256;
  return sha256(JSON.stringify(rest));
}

export async function saveModelDir(dir: string, model: tfl.LayersModel, draft: ManifestDraft): Promise<Manifest> {
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new UserError(`${dir} exists and is not a directory`);
  await model.save(directorySaveHandler(dir));
  const bytes = readFileGuarded(join(dir, WEIGHTS_FILE), { what: 'weights file', nonEmpty: false });
  const mj = readFileGuarded(join(dir, MODEL_FILE), { what: 'model file', maxBytes: MAX_JSON_BYTES });
  const body = {
    format: 'memae-model' as const, formatVersion: draft.codeScore ? codeScoreFormat(draft.codeScore.method) : 2 as const, ...draft,
    weights: { file: WEIGHTS_FILE, bytes: bytes.length, sha256: sha256(bytes) },
    modelJson: { bytes: mj.length, sha256: sha256(mj) },
    createdAt: new Date().toISOString(),
  };
  const manifest: Manifest = { ...body, contentSha256: manifestContentSha256(body) };
  writeFileAtomic(join(dir, MANIFEST_FILE), [new TextEncoder().encode(JSON.stringify(manifest, null, 2) + '\n')]);
  return manifest;
}

const notedOld = new Set<string>();

export function readManifest(dir: string): Manifest {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UserError(`${dir} is not a model directory`);
  const p = join(dir, MANIFEST_FILE);
  if (!existsSync(p)) throw new UserError(`${dir}: no ${MANIFEST_FILE} (not a memae model directory)`);
  const text = readFileGuarded(resolveInside(dir, MANIFEST_FILE, dir), { what: 'manifest', maxBytes: MAX_JSON_BYTES }).toString('utf8');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new UserError(`${p} is not valid JSON`);
  }
  const fv = (raw as { formatVersion?: unknown } | null)?.formatVersion;
  if (typeof fv === 'number' && Number.isInteger(fv) && fv > MANIFEST_FORMAT && fv < 1000) throw new UserError(`${p}: format version ${fv} is newer than this memae reads (${MANIFEST_FORMAT}): update memae`);
  const r = manifestSchema.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new UserError(`${p}: invalid field "${i.path.join('.') || '(root)'}": ${i.message}`);
  }
  if (r.data.formatVersion >= 2 && manifestContentSha256(raw as Record<string, unknown>) !== r.data.contentSha256) {
    throw new UserError(`${p}: its content does not match its checksum (corrupted or edited)`);
  }
  return r.data;
}

/** Loads and validates a model directory (manifest, checksums, topology against the config, finite weights). */
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
  const mPath = join(dir, MANIFEST_FILE);
  resolveInside(dir, manifest.weights.file, mPath);
  if (manifest.formatVersion < 2 && !notedOld.has(dir)) {
    notedOld.add(dir);
    process.stderr.write(`memae: note: ${dir} is a format-1 model folder (its checksum covers the weights only); save it again to upgrade\n`);
  }
  let model: tfl.LayersModel;
  try {
    model = await tfl.loadLayersModel(directoryLoadHandler(dir, { weights: manifest.weights, modelJson: manifest.modelJson, manifestFile: MANIFEST_FILE }));
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
