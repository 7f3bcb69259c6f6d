// Decoding one image (a file, or bytes such as a request body: the one decoder for both) to raw uint8 pixels of a fixed size and channel count, with sharp (libvips).
// BMP, which libvips' prebuilt binaries do not read, is decoded by bmp-ts and then handed to sharp.
// Files are untrusted: read through the guarded reader (regular files only, size cap) and the pixel count
// is checked from the header before anything is decoded (a decompression bomb is refused, not allocated).
import { extname } from 'node:path';
import sharp, { type Metadata, type OutputInfo, type Sharp } from 'sharp';
import { decode as decodeBmp } from 'bmp-ts';
import { UserError } from '../errors/user-error.js';
import { readFileGuardedAsync } from '../io/guarded-read.js';
import { noneMismatch } from '../preprocess/image.js';

/** Default cap on an image's pixel count (width x height): 40 megapixels, or MEMAE_MAX_IMAGE_PIXELS. */
export function maxImagePixels(): number {
  const env = Number(process.env.MEMAE_MAX_IMAGE_PIXELS);
  return Number.isSafeInteger(env) && env > 0 ? env : 40_000_000;
}
/** Cap on an image file's size in bytes. */
export const MAX_IMAGE_BYTES = 256 * 1024 * 1024;

export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.tif', '.tiff', '.bmp', '.webp', '.gif'];
export const isImageFile = (name: string): boolean => IMAGE_EXTENSIONS.includes(extname(name).toLowerCase());

/** how an image reaches the target size: stretch (fill), crop (cover), pad with black (contain), or not at all (none: another size is an error) */
export type Fit = 'fill' | 'cover' | 'contain' | 'none';

export interface DecodeOptions {
  height: number;
  width: number;
  channels: 1 | 3;
  /** how to reach height x width: stretch (fill, default), crop (cover), pad with black (contain), or none (error) */
  fit?: Fit;
  /** refuse images with more pixels than this (default maxImagePixels()) */
  maxPixels?: number;
  /** what sets maxPixels, named in the error (default MEMAE_MAX_IMAGE_PIXELS) */
  maxPixelsFrom?: string;
}

function checkPixels(source: string, width: number, height: number, max: number, from = 'MEMAE_MAX_IMAGE_PIXELS'): void {
  if (!(width > 0 && height > 0)) throw new UserError(`${source}: unreadable image (no size in its header)`);
  if (width * height > max) throw new UserError(`${source}: image of ${width}x${height} pixels, over the limit of ${max} (${from})`);
}

/** A sharp pipeline over the image in `buf` (named `source` in errors), after its header's pixel count is checked. */
async function openBuffer(buf: Buffer, source: string, maxPixels = maxImagePixels(), from?: string): Promise<Sharp> {
  if (buf.length >= 2 && buf[0] === 0x42 && buf[1] === 0x4d) {
    // "BM": Windows bitmap; its size sits at bytes 18 (width) and 22 (height, negative when top-down)
    if (buf.length < 26) throw new UserError(`${source}: unreadable BMP image (truncated header)`);
    checkPixels(source, buf.readInt32LE(18), Math.abs(buf.readInt32LE(22)), maxPixels, from);
    let bmp;
    try {
      bmp = decodeBmp(buf, { toRGBA: true });
    } catch (e) {
      throw new UserError(`${source}: unreadable BMP image (${(e as Error).message})`);
    }
    return sharp(bmp.data, { raw: { width: bmp.width, height: Math.abs(bmp.height), channels: 4 } }).removeAlpha();
  }
  let img: Sharp;
  let m: Metadata;
  try {
    m = await sharp(buf, { failOn: 'error', limitInputPixels: false }).metadata(); // header only, nothing decoded
    img = sharp(buf, { failOn: 'error', limitInputPixels: maxPixels });
  } catch (e) {
    throw new UserError(`${source}: unreadable image (${(e as Error).message.split('\n')[0]})`);
  }
  checkPixels(source, m.width ?? 0, m.height ?? 0, maxPixels, from);
  return img;
}

const readImage = (path: string) => readFileGuardedAsync(path, { what: 'image', maxBytes: MAX_IMAGE_BYTES });

async function probeOpened(img: Sharp, source: string): Promise<{ height: number; width: number; channels: 1 | 3 }> {
  try {
    const m = await img.metadata();
    if (!m.width || !m.height) throw new Error('no size');
    const grey = m.channels !== undefined && m.channels <= 2 && (m.space === 'b-w' || m.space === 'grey16' || m.channels === 1 || m.channels === 2);
    return { height: m.height, width: m.width, channels: grey ? 1 : 3 };
  } catch (e) {
    throw new UserError(`${source}: unreadable image (${(e as Error).message})`);
  }
}

/** Size and channel count of an image file (channels 1 for grayscale, 3 for colour; alpha not counted). */
export async function probeImage(path: string): Promise<{ height: number; width: number; channels: 1 | 3 }> {
  return probeOpened(await openBuffer(await readImage(path), path), path);
}

/** The image at `path` as height*width*channels uint8 values (row-major, channels last). */
export async function decodeImage(path: string, o: DecodeOptions): Promise<Uint8Array> {
  return decodeImageBuffer(await readImage(path), path, o);
}

/**
 * The one image decoder, over bytes (files and request bodies alike): the image in `buf` as height*width*channels
 * uint8 values (row-major, channels last). Problems are one-line UserErrors that start with `source`.
 */
export async function decodeImageBuffer(buf: Buffer, source: string, o: DecodeOptions): Promise<Uint8Array> {
  let img = await openBuffer(buf, source, o.maxPixels, o.maxPixelsFrom);
  if (o.fit === 'none') {
    const mismatch = noneMismatch(source, await probeOpened(img, source), o);
    if (mismatch) throw mismatch;
  }
  img = img.removeAlpha().resize(o.width, o.height, { fit: o.fit === undefined || o.fit === 'none' ? 'fill' : o.fit, background: { r: 0, g: 0, b: 0 } });
  img = o.channels === 1 ? img.toColourspace('b-w') : img.toColourspace('srgb');
  let out: { data: Buffer; info: OutputInfo };
  try {
    out = await img.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  } catch (e) {
    throw new UserError(`${source}: unreadable image (${(e as Error).message.split('\n')[0]})`);
  }
  const { data, info } = out;
  if (info.width !== o.width || info.height !== o.height || info.channels !== o.channels) {
    throw new UserError(`${source}: decoded to ${info.height}x${info.width}x${info.channels}, expected ${o.height}x${o.width}x${o.channels}`);
  }
  return new Uint8Array(data.buffer, data.byteOffset, data.length);
}
