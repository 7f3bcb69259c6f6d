// Shared fixtures of the hostile suites: one small trained model folder and one checkpoint (made once per
// process), copies to damage, manifest/model.json rewriting with checksums fixed up (what a deliberate
// attacker would do, so the validation behind the checksum is exercised too), FIFOs and crafted images.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { ArrayDataset } from '../../src/data/dataset.js';
import { MemAE } from '../../src/detector/memae.js';
import { manifestContentSha256 } from '../../src/io/model-dir.js';
import { useTestBackend } from '../helpers/backend.js';

export const root = mkdtempSync(join(tmpdir(), 'memae-hostile-'));
process.on('exit', () => rmSync(root, { recursive: true, force: true }));

let counter = 0;
export const fresh = (name: string) => join(root, `${name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}-${counter++}`);

/** An image model (batch norm included) trained one epoch on seeded noise: rows of 8x8x1. */
export const IMAGE = { kind: 'image' as const, inputShape: [8, 8, 1], encoderChannels: [2, 2], slots: 6, seed: 3 };

export function noise(n: number, shape: number[], seed = 1): ArrayDataset {
  const per = shape.reduce((a, b) => a * b, 1);
  let s = seed;
  const v = Float32Array.from({ length: n * per }, () => { s = (s * 1103515245 + 12345) % 2 ** 31; return (s / 2 ** 31) * 2 - 1; });
  return new ArrayDataset(v, shape);
}

let made: Promise<{ model: string; checkpoint: string }> | undefined;
/** The pristine model folder and checkpoint (never modified: copy them). */
export function pristine(): Promise<{ model: string; checkpoint: string }> {
  made ??= (async () => {
    await useTestBackend();
    const det = await MemAE.create(IMAGE);
    const checkpoint = join(root, 'pristine.ckpt');
    await det.fit(noise(12, IMAGE.inputShape), { epochs: 1, batchSize: 6, progressBar: false, checkpoint });
    const model = join(root, 'pristine-model');
    await det.save(model);
    det.dispose();
    return { model, checkpoint };
  })();
  return made;
}

export async function copyModel(name: string): Promise<string> {
  const d = fresh(name);
  cpSync((await pristine()).model, d, { recursive: true, verbatimSymlinks: true });
  return d;
}

const sha = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');

/** A JSON value written as raw text (1e400, which JSON.stringify cannot produce). */
export class Raw { constructor(readonly text: string) {} }
export const DELETE = Symbol('delete');

export function stringify(v: unknown, space?: number): string {
  const raws: string[] = [];
  const text = JSON.stringify(v, (_k, x) => (x instanceof Raw ? `\u0000raw${raws.push(x.text) - 1}` : x), space);
  return text.replace(/"\\u0000raw(\d+)"/g, (_m, i) => raws[Number(i)]);
}

/** Sets (or deletes) the value at a dotted path ("config.slots", "weightsManifest.0.paths.0"). */
export function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let o = obj as Record<string, unknown>;
  for (const k of keys.slice(0, -1)) {
    if (o[k] === null || typeof o[k] !== 'object') o[k] = {};
    o = o[k] as Record<string, unknown>;
  }
  const last = keys[keys.length - 1];
  if (value === DELETE) delete o[last];
  else o[last] = value;
}

export const readJson = (p: string) => JSON.parse(readFileSync(p, 'utf8')) as Record<string, unknown>;

/** Writes a manifest with its content checksum fixed up (unless `reseal` is false). */
export function writeManifest(dir: string, m: Record<string, unknown>, reseal = true): void {
  const copy = { ...m };
  if (reseal) {
    delete copy.contentSha256;
    const parsed = JSON.parse(stringify(copy)) as Record<string, unknown>;
    copy.contentSha256 = manifestContentSha256(parsed);
  }
  writeFileSync(join(dir, 'manifest.json'), stringify(copy, 2));
}

/** Writes model.json bytes and fixes up the manifest's checksums of it (and of the weights, when given). */
export function writeModelJsonSealed(dir: string, text: string | Buffer, weights?: Buffer): void {
  writeFileSync(join(dir, 'model.json'), text);
  const m = readJson(join(dir, 'manifest.json'));
  const bytes = Buffer.from(text);
  m.modelJson = { bytes: bytes.length, sha256: sha(bytes) };
  if (weights) {
    writeFileSync(join(dir, 'weights.bin'), weights);
    m.weights = { ...(m.weights as object), bytes: weights.length, sha256: sha(weights) };
  }
  writeManifest(dir, m);
}

/** Rewrites weights.bin and fixes up the manifest's checksum of it. */
export function writeWeightsSealed(dir: string, bytes: Buffer): void {
  writeFileSync(join(dir, 'weights.bin'), bytes);
  const m = readJson(join(dir, 'manifest.json'));
  m.weights = { ...(m.weights as object), bytes: bytes.length, sha256: sha(bytes) };
  writeManifest(dir, m);
}

/** Replaces codes.bin (the image score's training codes) and fixes its size and sha256 in the manifest. */
export function writeCodesSealed(dir: string, bytes: Buffer): void {
  writeFileSync(join(dir, 'codes.bin'), bytes);
  const m = readJson(join(dir, 'manifest.json'));
  m.codeScore = { ...(m.codeScore as object), bytes: bytes.length, sha256: sha(bytes) };
  writeManifest(dir, m);
}

export const mkfifo = (p: string) => execFileSync('mkfifo', [p]);

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const c = Buffer.alloc(4);
  c.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, c]);
}

/** A greyscale PNG whose header claims width x height; pixel data is real only when `real` (else one row). */
export function png(width: number, height: number, real = true): Buffer {
  const ih = Buffer.alloc(13);
  ih.writeUInt32BE(width, 0);
  ih.writeUInt32BE(height, 4);
  ih[8] = 8;
  const rows = real ? height : 1;
  const raw = Buffer.alloc(rows * (width + 1), 7);
  for (let r = 0; r < rows; r++) raw[r * (width + 1)] = 0; // filter type "none" at the start of every row
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ih), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

/** A BMP header claiming width x height (24-bit), with `pixels` bytes of data after it. */
export function bmp(width: number, height: number, pixels: number): Buffer {
  const h = Buffer.alloc(54);
  h.write('BM', 0, 'latin1');
  h.writeUInt32LE(54 + pixels, 2);
  h.writeUInt32LE(54, 10);
  h.writeUInt32LE(40, 14);
  h.writeInt32LE(width, 18);
  h.writeInt32LE(height, 22);
  h.writeUInt16LE(1, 26);
  h.writeUInt16LE(24, 28);
  return Buffer.concat([h, Buffer.alloc(pixels, 9)]);
}
