// Dataset folder layouts:
//   UCSD Ped1/Ped2:          <root>/Train/Train001/*.tif, <root>/Test/Test001/*.tif (Test001_gt/ folders are skipped),
//                            ground truth in a UCSD `.m` file (`TestVideoFile{end+1}.gt_frame = [61:180];`) in Test/ or <root>.
//   CUHK Avenue/ShanghaiTech: <root>/training/frames/<video>/*.jpg (or training/videos/*.avi),
//                            <root>/testing/frames/<video>/*.jpg, per-video labels <video>.npy or <video>.txt in
//                            testing/test_frame_mask/ (ShanghaiTech), testing/frame_labels/ or testing/labels/.
// A split folder may hold frame folders and/or video files (decoded by ffmpeg).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { UserError } from '../errors/user-error.js';
import { decodeVideoFile, VIDEO_EXTENSIONS } from './ffmpeg.js';
import { readFrameFolder, type VideoFrames } from './frames.js';
import { labelsFromFrameNumbers, parseUcsdGroundTruth, readLabelFile } from './labels.js';

export type VideoLayoutKind = 'ucsd' | 'avenue';
export type VideoSplit = 'train' | 'test';

export interface VideoLayout {
  kind: VideoLayoutKind;
  root: string;
  train: string;
  test: string;
}

export interface VideoSplitOptions {
  /** side of the square frames (paper: 256) */
  size: number;
  /** read at most this many frames per video */
  maxFrames?: number;
  /** read at most this many videos (in sorted order) */
  maxVideos?: number;
  /** ground truth location overriding the search: a UCSD `.m` file, a folder of per-video files,
   *  or one .npy/.txt file with the labels of all test videos concatenated */
  labels?: string;
  /** ffmpeg executable for video files */
  ffmpegPath?: string;
  /** images decoded at once */
  concurrency?: number;
}

const isDir = (p: string): boolean => existsSync(p) && statSync(p).isDirectory();
const natural = new Intl.Collator('en', { numeric: true }).compare;

/** Recognises the folder layout under `root` (UCSD or Avenue/ShanghaiTech). */
export function findVideoLayout(root: string): VideoLayout {
  if (!isDir(root)) throw new UserError(`dataset folder '${root}' does not exist`);
  for (const [train, test] of [['Train', 'Test'], ['train', 'test']]) {
    if (isDir(join(root, train)) && isDir(join(root, test))) return { kind: 'ucsd', root, train: join(root, train), test: join(root, test) };
  }
  const sub = (split: string): string | undefined =>
    ['frames', 'videos'].map((k) => join(root, split, k)).find(isDir);
  const train = sub('training');
  const test = sub('testing');
  if (train && test) return { kind: 'avenue', root, train, test };
  throw new UserError(
    `'${root}' is not a known video dataset layout: expected Train/ and Test/ (UCSD Ped2) or ` +
      `training/frames|videos/ and testing/frames|videos/ (CUHK Avenue, ShanghaiTech)`,
  );
}

/** The videos of a split folder: frame folders and video files, in natural order. */
export function listVideos(dir: string): { name: string; path: string; kind: 'frames' | 'file' }[] {
  const out: { name: string; path: string; kind: 'frames' | 'file' }[] = [];
  for (const n of readdirSync(dir).sort(natural)) {
    const p = join(dir, n);
    if (isDir(p)) {
      if (!/_gt$/i.test(n)) out.push({ name: n, path: p, kind: 'frames' });
    } else if (VIDEO_EXTENSIONS.includes(extname(n).toLowerCase())) {
      out.push({ name: n.slice(0, -extname(n).length), path: p, kind: 'file' });
    }
  }
  if (out.length === 0) throw new UserError(`'${dir}' holds no videos (frame folders or ${VIDEO_EXTENSIONS.join(', ')} files)`);
  return out;
}

/** Loads every video of a split; test videos get their frame-level labels when ground truth is found. */
export async function loadVideoSplit(root: string, split: VideoSplit, opts: VideoSplitOptions): Promise<VideoFrames[]> {
  const layout = findVideoLayout(root);
  let entries = listVideos(split === 'train' ? layout.train : layout.test);
  if (opts.maxVideos !== undefined) entries = entries.slice(0, opts.maxVideos);
  const videos: VideoFrames[] = [];
  for (const e of entries) {
    const v =
      e.kind === 'frames'
        ? await readFrameFolder(e.path, { size: opts.size, maxFrames: opts.maxFrames, concurrency: opts.concurrency })
        : await decodeVideoFile(e.path, { size: opts.size, maxFrames: opts.maxFrames, ffmpegPath: opts.ffmpegPath });
    videos.push({ ...v, name: e.name });
  }
  if (split === 'test') attachLabels(layout, videos, opts.labels, opts.maxFrames !== undefined);
  return videos;
}

/** Finds the ground truth of the test videos and sets `labels` on each (left unset when none is found).
 *  `truncated`: the videos were cut to their first frames, so longer label lists are cut too. */
export function attachLabels(layout: VideoLayout, videos: VideoFrames[], override?: string, truncated = false): void {
  const source = override ?? findGroundTruth(layout);
  if (source === undefined) return;
  if (override !== undefined && !existsSync(override)) throw new UserError(`ground truth '${override}' does not exist`);
  if (isDir(source)) {
    for (const v of videos) {
      const file = ['.npy', '.txt', '.csv'].map((x) => join(source, v.name + x)).find(existsSync);
      if (!file) throw new UserError(`no label file for test video '${v.name}' in '${source}' (expected ${v.name}.npy or ${v.name}.txt)`);
      v.labels = fitLabels(readLabelFile(file), v, file, truncated);
    }
    return;
  }
  if (extname(source).toLowerCase() === '.m') {
    const gt = parseUcsdGroundTruth(readFileSync(source, 'utf8'), source);
    if (gt.length < videos.length) throw new UserError(`${source}: ground truth for ${gt.length} test videos, but ${videos.length} were found`);
    videos.forEach((v, i) => {
      v.labels = labelsFromFrameNumbers(truncated ? gt[i].filter((f) => f <= v.count) : gt[i], v.count, source);
    });
    return;
  }
  // one file with all test videos' labels concatenated in sorted video order
  const all = readLabelFile(source);
  const total = videos.reduce((a, v) => a + v.count, 0);
  if (truncated) throw new UserError(`${source}: concatenated labels of all videos need whole videos (no maxFrames)`);
  if (all.length !== total) throw new UserError(`${source}: ${all.length} labels, but the test videos have ${total} frames`);
  let at = 0;
  for (const v of videos) {
    v.labels = all.slice(at, at + v.count);
    at += v.count;
  }
}

function findGroundTruth(layout: VideoLayout): string | undefined {
  if (layout.kind === 'ucsd') {
    for (const dir of [layout.test, layout.root]) {
      const m = readdirSync(dir)
        .filter((n) => extname(n).toLowerCase() === '.m')
        .sort(natural)
        .map((n) => join(dir, n))
        .find((p) => readFileSync(p, 'utf8').includes('gt_frame'));
      if (m) return m;
    }
    return undefined;
  }
  return ['testing/test_frame_mask', 'testing/frame_labels', 'testing/labels', 'test_frame_mask', 'frame_labels'].map((d) => join(layout.root, d)).find(isDir);
}

/** Labels must cover the video; a video read with `maxFrames` keeps the first labels. */
function fitLabels(labels: Uint8Array, v: VideoFrames, file: string, truncated: boolean): Uint8Array {
  if (labels.length < v.count || (!truncated && labels.length !== v.count)) throw new UserError(`${file}: ${labels.length} labels for ${v.count} frames of '${v.name}'`);
  return labels.length === v.count ? labels : labels.slice(0, v.count);
}
