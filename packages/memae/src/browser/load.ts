// Loading a model directory saved by memae (model.json + weights.bin + manifest.json) in the browser: from a URL,
// from files the user picked, or from IndexedDB. The weights are checked against the manifest's sha256.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '../models/index.js';  // registers memae's custom layers (memory, batch norm, crop, attention)
import { manifestSchema, type Manifest } from '../io/manifest.js';
import { UserError } from '../errors/user-error.js';
import { BrowserDetector, type Member } from './detector.js';
import { codeIndexFromBytes, codeWidth, type CodeIndex } from '../score/code-index.js';
import { loadStoredCodes } from './code-store.js';

/** A URL of the model directory (absolute, or relative to the page), `indexeddb://NAME`, or the directory's files. */
export type ModelSource = string | URL | File[] | FileList;

function parseManifest(raw: unknown, where: string): Manifest {
  const r = manifestSchema.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new UserError(`${where}: not a memae manifest (${i.path.join('.') || 'root'}: ${i.message})`);
  }
  return r.data;
}

async function sha256Hex(bytes: ArrayBuffer): Promise<string | null> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) return null;  // not a secure context: no check
  return [...new Uint8Array(await subtle.digest('SHA-256', bytes))].map((b) => b.toString(16).padStart(2, '0')).join('');
}

async function checkWeights(a: tf.io.ModelArtifacts, m: Manifest, where: string): Promise<void> {
  if (a.weightData === undefined) throw new UserError(`${where}: the model has no weights`);
  const bytes = tf.io.CompositeArrayBuffer.join(a.weightData);
  const sha = await sha256Hex(bytes);
  if (bytes.byteLength !== m.weights.bytes || (sha !== null && sha !== m.weights.sha256)) {
    throw new UserError(`${where}: the weights (${bytes.byteLength} bytes) do not match manifest.json (${m.weights.bytes} bytes, sha256 ${m.weights.sha256.slice(0, 12)}...)`);
  }
}

/** tfjs' load handlers declare load() optional; the http, files and IndexedDB ones have it */
function load(h: tf.io.IOHandler): Promise<tf.io.ModelArtifacts> {
  if (!h.load) throw new Error('this tfjs IO handler cannot load');
  return h.load();
}

/** What a source gives: the tfjs artifacts, the manifest, and the code index's bytes when the manifest lists one. */
interface Got { artifacts: tf.io.ModelArtifacts; manifest: Manifest; codes?: Uint8Array }

async function fromUrl(url: string): Promise<Got> {
  const base = new URL(url.endsWith('/') ? url : url + '/', globalThis.location?.href).href;
  const res = await fetch(base + 'manifest.json');
  if (!res.ok) throw new UserError(`no model at ${base} (manifest.json: HTTP ${res.status})`);
  const manifest = parseManifest(await res.json(), base + 'manifest.json');
  const artifacts = await load(tf.io.http(base + 'model.json'));
  const cs = manifest.codeScore;
  if (!cs) return { artifacts, manifest };
  const c = await fetch(new URL(cs.file, base).href);
  if (!c.ok) throw new UserError(`${base}${cs.file}: HTTP ${c.status} (the model's code index)`);
  return { artifacts, manifest, codes: new Uint8Array(await c.arrayBuffer()) };
}

async function fromFiles(files: File[]): Promise<Got> {
  const byName = (n: string) => files.find((f) => f.name === n);
  const mf = byName('manifest.json');
  const json = byName('model.json');
  if (!mf || !json) throw new UserError(`pick the model directory's files: manifest.json, model.json and the weights (got ${files.map((f) => f.name).join(', ') || 'none'})`);
  const manifest = parseManifest(JSON.parse(await mf.text()), 'manifest.json');
  const cs = manifest.codeScore, cf = cs ? byName(cs.file) : undefined;
  if (cs && !cf) throw new UserError(`pick the model directory's ${cs.file} too (the image model's code index)`);
  const artifacts = await load(tf.io.browserFiles([json, ...files.filter((f) => f !== json && f !== mf && f !== cf)]));
  return { artifacts, manifest, ...(cf ? { codes: new Uint8Array(await cf.arrayBuffer()) } : {}) };
}

async function fromIndexedDB(url: string): Promise<Got> {
  const handler = tf.io.getLoadHandlers(url)[0];
  if (!handler) throw new UserError(`${url}: IndexedDB is not available here`);
  const artifacts = await load(handler);
  const meta = artifacts.userDefinedMetadata as { memaeManifest?: unknown } | undefined;
  const manifest = parseManifest(meta?.memaeManifest, `${url} (saved without its manifest?)`);
  if (!manifest.codeScore) return { artifacts, manifest };
  const codes = await loadStoredCodes(url.slice('indexeddb://'.length));
  if (!codes) throw new UserError(`${url}: its code index is missing (saved by another version?): save the model again`);
  return { artifacts, manifest, codes };
}

/** The code index a source gave, checked against the manifest's size and sha256 and the network's code width. */
async function codeIndexOf(got: Got, model: tfl.LayersModel, where: string): Promise<CodeIndex | null> {
  const cs = got.manifest.codeScore;
  if (!cs) return null;
  const bytes = got.codes!;
  const sha = await sha256Hex(new Uint8Array(bytes).buffer);
  if (sha !== null && sha !== cs.sha256) throw new UserError(`${where}: the code index does not match manifest.json (sha256 ${cs.sha256.slice(0, 12)}...)`);
  return codeIndexFromBytes(bytes, cs, codeWidth(model, got.manifest.config), `${where}: ${cs.file}`);
}

/** Loads a saved memae model in the browser (any registered tfjs backend: webgl, wasm or cpu). */
export async function loadBrowserDetector(source: ModelSource): Promise<BrowserDetector> {
  let got: Got;
  let where: string;
  if (typeof source === 'string' || source instanceof URL) {
    where = String(source);
    got = where.startsWith('indexeddb://') ? await fromIndexedDB(where) : await fromUrl(where);
  } else {
    where = 'the chosen files';
    got = await fromFiles(Array.from(source));
  }
  await checkWeights(got.artifacts, got.manifest, where);
  const ens = got.manifest.ensemble;
  const fromUrlSource = (typeof source === 'string' || source instanceof URL) && !where.startsWith('indexeddb://');
  if (ens && !fromUrlSource) {
    throw new UserError(`${where}: this model is an ensemble of ${ens.members} networks (members/1 .. members/${ens.members - 1}): load it from its URL`);
  }
  const model = await tfl.loadLayersModel(tf.io.fromMemory(got.artifacts));
  const members: Member[] = [];
  let codes: CodeIndex | null;
  try {
    codes = await codeIndexOf(got, model, where);
    for (let e = 1; e < (ens?.members ?? 1); e++) members.push(await memberFromUrl(where, e, ens!.memberSha256[e - 1], got.manifest));
  } catch (err) {
    model.dispose();
    for (const m of members) m.model.dispose();
    throw err;
  }
  return new BrowserDetector(model, got.manifest, members, codes);
}

/** Member e of an ensemble saved at `url` (detector/ensemble.ts), checked against the checksum the first lists. */
async function memberFromUrl(url: string, e: number, sha: string, first: Manifest): Promise<Member> {
  const sub = (url.endsWith('/') ? url : url + '/') + `members/${e}`;
  const got = await fromUrl(sub);
  if (got.manifest.contentSha256 !== sha) throw new UserError(`${sub}: this member's manifest is not the one the model's manifest lists`);
  if (got.manifest.config.inputShape.join(',') !== first.config.inputShape.join(',') || !got.manifest.tabularScore !== !first.tabularScore || !got.manifest.codeScore !== !first.codeScore) {
    throw new UserError(`${sub}: this member does not match the first network`);
  }
  await checkWeights(got.artifacts, got.manifest, sub);
  const model = await tfl.loadLayersModel(tf.io.fromMemory(got.artifacts));
  try {
    return { model, tabularScore: got.manifest.tabularScore, codeIndex: await codeIndexOf(got, model, sub) };
  } catch (err) {
    model.dispose();
    throw err;
  }
}
