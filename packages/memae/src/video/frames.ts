// In-memory frame store of one video: uint8 grayscale frames, resized to a square, stored back to back.
// Clips are cut from it on demand (clips.ts), so memory holds frames, not 16x overlapping clips.
import { readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import sharp from 'sharp';
import { UserError } from '../errors/user-error.js';

export interface VideoFrames {
  /** video name (folder or file name without extension) */
  name: string;
  /** side of the square frames */
  size: number;
  /** number of frames */
  count: number;
  /** count * size * size gray values, frame after frame, row-major */
  pixels: Uint8Array;
  /** frame-level ground truth when known (1 = anomaly) */
  labels?: Uint8Array;
}

export const IMAGE_EXTENSIONS = ['.tif', '.tiff', '.jpg', '.jpeg', '.png', '.bmp'];

const natural = new Intl.Collator('en', { numeric: true }).compare;

/** Sorted image files in a frame folder (natural order: 2.jpg before 10.jpg). */
export function listFrameFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (e) {
    throw new UserError(`cannot read frame folder '${dir}': ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  return names.filter((n) => IMAGE_EXTENSIONS.includes(extname(n).toLowerCase()) && statSync(join(dir, n)).isFile()).sort(natural).map((n) => join(dir, n));
}

export interface FrameReadOptions {
  /** side of the square output frames (the paper uses 256) */
  size: number;
  /** read only the first `maxFrames` frames */
  maxFrames?: number;
  /** images decoded at once (sharp decodes on libuv threads) */
  concurrency?: number;
}

/** Reads one frame image as `size` x `size` grayscale uint8 (stretched, as the official preprocessing). */
export async function readFrameImage(file: string, size: number): Promise<Uint8Array> {
  let out: { data: Buffer; info: { channels: number } };
  try {
    out = await sharp(file).removeAlpha().resize(size, size, { fit: 'fill' }).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
  } catch (e) {
    throw new UserError(`cannot decode image '${file}': ${(e as Error).message}`);
  }
  if (out.info.channels !== 1 || out.data.length !== size * size) {
    throw new UserError(`cannot decode image '${file}' as ${size}x${size} grayscale (got ${out.info.channels} channels)`);
  }
  return new Uint8Array(out.data.buffer, out.data.byteOffset, out.data.length);
}

/** Reads a folder of frame images (e.g. Ped2 `Test001/*.tif`, Avenue `frames/01/*.jpg`). */
export async function readFrameFolder(dir: string, opts: FrameReadOptions): Promise<VideoFrames> {
  checkSize(opts.size);
  let files = listFrameFiles(dir);
  if (opts.maxFrames !== undefined) files = files.slice(0, opts.maxFrames);
  if (files.length === 0) throw new UserError(`frame folder '${dir}' holds no images (${IMAGE_EXTENSIONS.join(', ')})`);
  checkFrameNumbers(dir, files);
  const frame = opts.size * opts.size;
  const pixels = new Uint8Array(files.length * frame);
  const workers = Math.max(1, opts.concurrency ?? 4);
  let next = 0;
  const work = async (): Promise<void> => {
    while (next < files.length) {
      const i = next++;
      pixels.set(await readFrameImage(files[i], opts.size), i * frame);
    }
  };
  await Promise.all(Array.from({ length: Math.min(workers, files.length) }, work));
  return { name: baseName(dir), size: opts.size, count: files.length, pixels };
}

/**
 * Numbered frames (`001.jpg`, `frame_12.png`: the last number in the name) must be consecutive: a missing frame
 * would shift every later frame against its label and its clip. Names without numbers are taken in order.
 */
export function checkFrameNumbers(dir: string, files: string[]): void {
  const nums = files.map((f) => /(\d+)\D*$/.exec(baseName(f))?.[1]);
  if (nums.some((n) => n === undefined)) return;
  for (let i = 1; i < nums.length; i++) {
    const a = Number(nums[i - 1]);
    const b = Number(nums[i]);
    if (b !== a + 1) {
      const prev = files[i - 1].split(/[\\/]/).pop();
      const next = files[i].split(/[\\/]/).pop();
      throw new UserError(b === a ? `frame folder '${dir}': two files for frame ${a} ('${prev}', '${next}')` : `frame folder '${dir}': frame ${a + 1} is missing (after '${prev}', next is '${next}')`);
    }
  }
}

export function checkSize(size: number): void {
  if (!Number.isInteger(size) || size < 8 || size > 4096) throw new UserError(`frame size must be an integer in [8, 4096], got ${size}`);
}

export function baseName(path: string): string {
  const parts = path.split(/[\\/]/).filter((s) => s.length > 0);
  const last = parts[parts.length - 1] ?? path;
  const ext = extname(last);
  return ext ? last.slice(0, -ext.length) : last;
}
