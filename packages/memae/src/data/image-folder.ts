// Image-folder datasets. Two conventions:
//  - classes: root/<class>/<image>  (class ids = subfolder names in sorted order)
//  - one-class: root/normal/<image> for training; root/test/ either holds images directly (unlabelled) or
//    subfolders normal/ (or good/) = label 0 and any other subfolder (e.g. anomaly/) = label 1.
// Images are decoded once with sharp into a uint8 store (memory, or a temporary file when large) and
// normalised to [-1, 1] when gathered.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import { ByteImageDataset, ByteStore } from './byte-store.js';
import { decodeImage, isImageFile, probeImage, type Fit, IMAGE_EXTENSIONS } from './image-decode.js';
import { UserError } from '../errors/user-error.js';

export interface ImageFolderOptions {
  /** output [height, width]; default: the size of the first image */
  size?: [number, number];
  /** 1 = grayscale, 3 = RGB; default: that of the first image */
  channels?: 1 | 3;
  fit?: Fit;
  /** where decoded pixels live: memory, a temporary file, or auto (file above 256 MiB) */
  storage?: 'memory' | 'disk' | 'auto';
  /** read at most this many images per folder (sorted order) */
  limitPerFolder?: number;
}

const NORMAL_NAMES = ['normal', 'good'];

function entries(dir: string): { files: string[]; dirs: string[] } {
  let names: string[];
  try {
    if (!statSync(dir).isDirectory()) throw new UserError(`${dir}: not a folder`);
    names = readdirSync(dir).filter((n) => !n.startsWith('.')).sort();
  } catch (e) {
    if (e instanceof UserError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(code === 'ENOENT' ? `${dir}: folder not found` : `${dir}: cannot read folder (${(e as Error).message})`);
  }
  const files: string[] = [];
  const dirs: string[] = [];
  for (const n of names) {
    const p = join(dir, n);
    let isDir: boolean;
    try {
      isDir = statSync(p).isDirectory();
    } catch (e) {
      throw new UserError(`${p}: cannot read (${(e as Error).message})`);
    }
    if (isDir) dirs.push(n);
    else if (isImageFile(n)) files.push(p);
  }
  return { files, dirs };
}

function imagesIn(dir: string, limit?: number): string[] {
  const { files } = entries(dir);
  if (files.length === 0) throw new UserError(`${dir}: no images (${IMAGE_EXTENSIONS.join(' ')}) in this folder`);
  return limit === undefined ? files : files.slice(0, limit);
}

interface Resolved {
  height: number;
  width: number;
  channels: 1 | 3;
  fit: Fit;
}

async function resolve(first: string, o: ImageFolderOptions): Promise<Resolved> {
  if (o.size && !(o.size.length === 2 && o.size.every((v) => Number.isInteger(v) && v > 0))) {
    throw new UserError(`image size must be two positive integers [height, width], got [${o.size}]`);
  }
  if (o.channels !== undefined && o.channels !== 1 && o.channels !== 3) throw new UserError(`channels must be 1 or 3, got ${o.channels}`);
  const probe = o.size && o.channels ? undefined : await probeImage(first);
  return { height: o.size?.[0] ?? probe!.height, width: o.size?.[1] ?? probe!.width, channels: o.channels ?? probe!.channels, fit: o.fit ?? 'fill' };
}

/** Decodes `files` (in order) into a byte-backed dataset, a few at a time. */
export async function decodeFiles(files: string[], r: Resolved, storage: ImageFolderOptions['storage'], labels?: Uint8Array, classes?: Int32Array): Promise<ByteImageDataset> {
  const sampleBytes = r.height * r.width * r.channels;
  const store = new ByteStore(files.length, sampleBytes, storage ?? 'auto');
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      const i = next++;
      store.write(i, await decodeImage(files[i], r));
    }
  };
  await Promise.all(Array.from({ length: Math.min(files.length, Math.max(2, availableParallelism())) }, worker));
  store.seal();
  return new ByteImageDataset(store, [r.height, r.width, r.channels], labels, classes, files);
}

/** root/<class>/<image>: every subfolder is a class; `classes` holds its index in `classNames`. */
export async function loadImageClasses(root: string, o: ImageFolderOptions = {}): Promise<{ dataset: ByteImageDataset; classNames: string[] }> {
  const { dirs } = entries(root);
  if (dirs.length === 0) throw new UserError(`${root}: no class subfolders (expected ${root}/<class>/<images>)`);
  const files: string[] = [];
  const cls: number[] = [];
  dirs.forEach((d, c) => {
    for (const f of imagesIn(join(root, d), o.limitPerFolder)) {
      files.push(f);
      cls.push(c);
    }
  });
  const r = await resolve(files[0], o);
  return { dataset: await decodeFiles(files, r, o.storage, undefined, Int32Array.from(cls)), classNames: dirs };
}

/**
 * root/normal/ for training and root/test/ for testing (see the file header). `test.labels` is set when
 * test/ has subfolders; `test.classes` then indexes `testClassNames`.
 */
export async function loadNormalTestFolders(root: string, o: ImageFolderOptions = {}): Promise<{ train: ByteImageDataset; test?: ByteImageDataset; testClassNames?: string[] }> {
  const top = entries(root);
  if (!top.dirs.includes('normal')) throw new UserError(`${root}: expected a subfolder normal/ with the training images`);
  const trainFiles = imagesIn(join(root, 'normal'), o.limitPerFolder);
  const r = await resolve(trainFiles[0], o);
  const train = await decodeFiles(trainFiles, r, o.storage, new Uint8Array(trainFiles.length));
  if (!top.dirs.includes('test')) return { train };
  const testDir = join(root, 'test');
  const t = entries(testDir);
  if (t.dirs.length === 0) {
    return { train, test: await decodeFiles(imagesIn(testDir, o.limitPerFolder), r, o.storage) };
  }
  if (t.files.length > 0) {
    throw new UserError(`${testDir}: holds both images and subfolders; put all test images in subfolders (normal/, anomaly/) or none`);
  }
  const files: string[] = [];
  const labels: number[] = [];
  const cls: number[] = [];
  t.dirs.forEach((d, c) => {
    const normal = NORMAL_NAMES.includes(d.toLowerCase());
    for (const f of imagesIn(join(testDir, d), o.limitPerFolder)) {
      files.push(f);
      labels.push(normal ? 0 : 1);
      cls.push(c);
    }
  });
  const test = await decodeFiles(files, r, o.storage, Uint8Array.from(labels), Int32Array.from(cls));
  return { train, test, testClassNames: t.dirs };
}
