// What `memae score MODEL INPUT...` accepts, each input turned into samples with ids through the model's saved
// preprocessing: image files, folders (images found recursively, sorted), CSV/TSV files, '-' (CSV on stdin).
// Video files are recognised here and handed to VIDEO_INPUT (the video pipeline registers it).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Dataset } from '../data/dataset.js';
import { isImageFile } from '../data/image-decode.js';
import { UserError } from '../errors/user-error.js';
import { imagePreprocessing, type ImagePreprocessing, type Preprocessing } from '../preprocess/index.js';
import { encodeImageFiles } from '../preprocess/image-files.js';
import { TabularPreprocessor } from '../preprocess/tabular.js';
import type { DetectorPort } from '../run/detector-port.js';
import type { RunConfig } from './config.js';
import { readWithModel, readWithoutModel } from './csv-source.js';

/** One group of samples to score, with one id per sample. */
export interface InputBatch {
  dataset: Dataset;
  ids: string[];
}

export interface ScoreContext {
  det: DetectorPort;
  /** the model's saved preprocessing (null: an older model) */
  pre: Preprocessing | null;
  /** CSV reading flags (delimiter, header, label rules) */
  csv: Partial<RunConfig['data']>;
}

const TABLE = /\.(csv|tsv|txt)(\.gz)?$/i;
export const VIDEO_EXTENSIONS = ['.mp4', '.avi', '.mov', '.mkv', '.webm', '.m4v', '.mpg', '.mpeg'];
export const isVideoFile = (p: string): boolean => VIDEO_EXTENSIONS.some((e) => p.toLowerCase().endsWith(e));

/** Video inputs (file or frame folder) -> per-frame samples; set by the video pipeline. */
export const VIDEO_INPUT: { load?: (path: string, ctx: ScoreContext) => AsyncIterable<InputBatch> } = {};

/** Images per batch: memory stays bounded whatever the folder's size. */
const IMAGE_CHUNK = 256;

function needKind(ctx: ScoreContext, kind: string, what: string, input: string): void {
  if (ctx.det.kind !== kind) throw new UserError(`${input}: this model takes ${ctx.det.kind === 'tabular' ? 'table rows' : ctx.det.kind === 'image' ? 'images' : 'video'}, not ${what}`);
}

function imagePre(ctx: ScoreContext): ImagePreprocessing {
  return ctx.pre?.kind === 'image' ? ctx.pre : imagePreprocessing(ctx.det.inputShape, 'fill');
}

async function* images(files: string[], ctx: ScoreContext): AsyncIterable<InputBatch> {
  const p = imagePre(ctx);
  for (let at = 0; at < files.length; at += IMAGE_CHUNK) {
    const chunk = files.slice(at, at + IMAGE_CHUNK);
    yield { dataset: await encodeImageFiles(p, chunk), ids: chunk };
  }
}

async function table(path: string, ctx: ScoreContext): Promise<InputBatch> {
  const stream = path === '-' ? process.stdin : undefined;
  const name = path === '-' ? 'stdin' : path;
  const e = ctx.pre?.kind === 'tabular'
    ? await readWithModel(name, new TabularPreprocessor(ctx.pre), ctx.csv, stream, false)
    : await readWithoutModel(name, ctx.csv, stream);
  if (e.dataset.sampleShape[0] !== ctx.det.inputShape[0]) {
    throw new UserError(`${name}: ${e.dataset.sampleShape[0]} features, the model takes ${ctx.det.inputShape[0]}`);
  }
  return { dataset: e.dataset, ids: e.ids };
}

/**
 * Image files under `dir`, recursively, sorted (hidden entries skipped). Symbolic links to folders are not followed
 * (a link to a parent folder would list the same images again and again); a link to an image file is read, and a
 * broken one is an error naming it.
 */
function imagesUnder(dir: string): string[] {
  const found: string[] = [];
  const walk = (rel: string) => {
    for (const e of readdirSync(join(dir, rel), { withFileTypes: true })) {
      if (e.name.startsWith('.')) continue;
      const r = rel ? join(rel, e.name) : e.name;
      if (e.isDirectory()) walk(r);
      else if (isImageFile(e.name) && (e.isFile() || (e.isSymbolicLink() && linkedFile(join(dir, r))))) found.push(r);
    }
  };
  walk('');
  return found.sort().map((f) => join(dir, f));
}

/** Whether a symbolic link leads to a regular file (false for a folder or device); a broken link is an error. */
function linkedFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    throw new UserError(`${path}: broken symbolic link (its target does not exist)`);
  }
}

/** The samples of one input, in order. */
export async function* readInput(input: string, ctx: ScoreContext): AsyncIterable<InputBatch> {
  if (input === '-') {
    needKind(ctx, 'tabular', 'CSV rows', 'stdin');
    yield await table(input, ctx);
    return;
  }
  if (!existsSync(input)) throw new UserError(`${input}: no such file or folder`);
  const isDir = statSync(input).isDirectory();
  if ((isDir && ctx.det.kind === 'video') || isVideoFile(input)) {
    needKind(ctx, 'video', 'video', input);
    if (!VIDEO_INPUT.load) throw new UserError(`${input}: scoring video files is not available in this build`);
    yield* VIDEO_INPUT.load(input, ctx);
    return;
  }
  if (isDir) {
    needKind(ctx, 'image', 'images', input);
    const files = imagesUnder(input);
    if (files.length === 0) throw new UserError(`${input}: no images (png, jpg, bmp, tif, webp, gif) in this folder or below`);
    yield* images(files, ctx);
    return;
  }
  if (isImageFile(input)) {
    needKind(ctx, 'image', 'images', input);
    yield* images([input], ctx);
    return;
  }
  if (TABLE.test(input)) {
    needKind(ctx, 'tabular', 'CSV rows', input);
    yield await table(input, ctx);
    return;
  }
  throw new UserError(`${input}: not an image, a CSV/TSV file, a video or a folder`);
}
