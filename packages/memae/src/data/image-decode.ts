// Decoding one image file to raw uint8 pixels of a fixed size and channel count, with sharp (libvips).
// BMP, which libvips' prebuilt binaries do not read, is decoded by bmp-ts and then handed to sharp.
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import sharp, { type OutputInfo, type Sharp } from 'sharp';
import { decode as decodeBmp } from 'bmp-ts';
import { UserError } from '../errors/user-error.js';

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
}

async function open(path: string): Promise<Sharp> {
  let buf: Buffer;
  try {
    buf = await readFile(path);
  } catch (e) {
    throw new UserError(`${path}: cannot read (${(e as Error).message})`);
  }
  if (buf.length >= 2 && buf[0] === 0x42 && buf[1] === 0x4d) {
    // "BM": Windows bitmap
    let bmp;
    try {
      bmp = decodeBmp(buf, { toRGBA: true });
    } catch (e) {
      throw new UserError(`${path}: unreadable BMP image (${(e as Error).message})`);
    }
    return sharp(bmp.data, { raw: { width: bmp.width, height: Math.abs(bmp.height), channels: 4 } }).removeAlpha();
  }
  return sharp(buf, { failOn: 'error' });
}

/** Size and channel count of an image file (channels 1 for grayscale, 3 for colour; alpha not counted). */
export async function probeImage(path: string): Promise<{ height: number; width: number; channels: 1 | 3 }> {
  const img = await open(path);
  try {
    const m = await img.metadata();
    if (!m.width || !m.height) throw new Error('no size');
    const grey = m.channels !== undefined && m.channels <= 2 && (m.space === 'b-w' || m.space === 'grey16' || m.channels === 1 || m.channels === 2);
    return { height: m.height, width: m.width, channels: grey ? 1 : 3 };
  } catch (e) {
    throw new UserError(`${path}: unreadable image (${(e as Error).message})`);
  }
}

/** The image at `path` as height*width*channels uint8 values (row-major, channels last). */
export async function decodeImage(path: string, o: DecodeOptions): Promise<Uint8Array> {
  let img = await open(path);
  if (o.fit === 'none') {
    const m = await probeImage(path);
    if (m.height !== o.height || m.width !== o.width || m.channels !== o.channels) {
      throw new UserError(`${path}: image is ${m.height}x${m.width}x${m.channels}, the model takes ${o.height}x${o.width}x${o.channels} (resize policy "none")`);
    }
  }
  img = img.removeAlpha().resize(o.width, o.height, { fit: o.fit === undefined || o.fit === 'none' ? 'fill' : o.fit, background: { r: 0, g: 0, b: 0 } });
  img = o.channels === 1 ? img.toColourspace('b-w') : img.toColourspace('srgb');
  let out: { data: Buffer; info: OutputInfo };
  try {
    out = await img.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  } catch (e) {
    throw new UserError(`${path}: unreadable image (${(e as Error).message.split('\n')[0]})`);
  }
  const { data, info } = out;
  if (info.width !== o.width || info.height !== o.height || info.channels !== o.channels) {
    throw new UserError(`${path}: decoded to ${info.height}x${info.width}x${info.channels}, expected ${o.height}x${o.width}x${o.channels}`);
  }
  return new Uint8Array(data.buffer, data.byteOffset, data.length);
}
