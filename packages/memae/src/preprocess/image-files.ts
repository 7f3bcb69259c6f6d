// Image files -> a dataset through a saved image preprocessing (Node: decodes with sharp).
import { ArrayDataset } from '../data/dataset.js';
import { decodeImage } from '../data/image-decode.js';
import { UserError } from '../errors/user-error.js';
import { normalisePixels } from './image.js';
import type { Preprocessing } from './index.js';

/** `det.score(await encodeImageFiles(det.preprocessing, ['a.png', 'b.jpg']))`: resized and normalised as in training. */
export async function encodeImageFiles(pre: Preprocessing | null, paths: string[]): Promise<ArrayDataset> {
  if (pre?.kind !== 'image') throw new UserError(`encodeImageFiles needs an image preprocessing, got ${pre ? pre.kind : 'none (a model saved before preprocessing was saved)'}`);
  const size = pre.height * pre.width * pre.channels;
  const x = new Float32Array(paths.length * size);
  for (let i = 0; i < paths.length; i++) {
    normalisePixels(pre, await decodeImage(paths[i], { height: pre.height, width: pre.width, channels: pre.channels, fit: pre.resize }), x, i * size);
  }
  return new ArrayDataset(x, [pre.height, pre.width, pre.channels]);
}
