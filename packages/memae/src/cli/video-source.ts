// The CLI's video data source (`--data video --data-path DIR|FILE`): a UCSD Ped or Avenue/ShanghaiTech dataset
// folder (train split normal, test split with frame labels), a plain folder of videos (video files and/or frame
// folders: all training, all normal), one video file or one frame folder. Frames are resized to the model's
// square size; the preprocessing that did it is saved with the model (preprocess/video.ts).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import type { Dataset } from '../data/dataset.js';
import { UserError } from '../errors/user-error.js';
import { videoPreprocessing, type VideoPreprocessing } from '../preprocess/video.js';
import { ClipDataset } from '../video/clips.js';
import { decodeVideoFile, VIDEO_EXTENSIONS } from '../video/ffmpeg.js';
import { IMAGE_EXTENSIONS, readFrameFolder, type VideoFrames } from '../video/frames.js';
import { readLabelFile } from '../video/labels.js';
import { findVideoLayout, listVideos, loadVideoSplit } from '../video/layout.js';
import type { RunConfig } from './config.js';
import { VideoDataSchema } from './video-options.js';

export interface VideoData {
  train?: Dataset;
  /** test clips (stride 1) with per-frame labels when the layout has them */
  test?: ClipDataset;
  description: string;
  preprocessing: VideoPreprocessing;
}

const isDir = (p: string): boolean => existsSync(p) && statSync(p).isDirectory();
const isVideoFile = (p: string): boolean => VIDEO_EXTENSIONS.includes(extname(p).toLowerCase());
const holdsImages = (dir: string): boolean => readdirSync(dir).some((n) => IMAGE_EXTENSIONS.includes(extname(n).toLowerCase()));

/**
 * The videos `memae score` reads from `p`: a video file, a frame folder, a folder of videos (each video file or
 * frame folder in it), or a dataset folder (its test split). Throws a one-line error for anything else.
 */
export function expandVideoInput(p: string): string[] {
  if (!existsSync(p)) throw new UserError(`'${p}' does not exist`);
  if (!isDir(p)) {
    if (!isVideoFile(p)) throw new UserError(`'${p}' is not a video file or a folder of frame images`);
    return [p];
  }
  if (holdsImages(p)) return [p];
  const dir = isLayout(p) ? findVideoLayout(p).test : p;
  return listVideos(dir).map((e) => e.path);
}

/** One video: a video file (ffmpeg) or a frame folder (sharp), as `size` x `size` gray frames. */
export async function readVideo(path: string, size: number, maxFrames?: number): Promise<VideoFrames> {
  if (isDir(path)) return readFrameFolder(path, { size, maxFrames });
  if (!existsSync(path)) throw new UserError(`video '${path}' does not exist`);
  if (!isVideoFile(path)) throw new UserError(`'${path}' is not a video file (${VIDEO_EXTENSIONS.join(', ')}) or a folder of frames`);
  return decodeVideoFile(path, { size, maxFrames });
}

/** Loads video data for `memae train` / `eval`; `spec` (a saved model's preprocessing) wins over the flags. */
export async function loadVideoData(cfg: RunConfig['data'], want: { train: boolean }, spec?: VideoPreprocessing): Promise<VideoData> {
  const path = cfg.path;
  if (!path) throw new UserError('data source video needs a path (--data-path DIR|FILE: a UCSD/Avenue dataset folder, a folder of videos, a video file or a frame folder)');
  if (!existsSync(path)) throw new UserError(`video data '${path}' does not exist`);
  const v = VideoDataSchema.parse(cfg.video ?? {});
  const pre = spec ?? videoPreprocessing({ size: v.size, clipLength: v.clipLength, trainStride: v.stride });
  const read = { size: pre.size, maxFrames: v.maxFrames };
  const trainClips = (videos: VideoFrames[]) => new ClipDataset(videos, { clipLength: pre.clipLength, stride: pre.trainStride });
  const frames = (vs: VideoFrames[]) => vs.reduce((a, x) => a + x.count, 0);

  if (isDir(path) && isLayout(path)) {
    const layout = findVideoLayout(path);
    const train = want.train ? await loadVideoSplit(path, 'train', read) : undefined;
    const test = await loadVideoSplit(path, 'test', { ...read, labels: v.labels });
    const labelled = test.every((x) => x.labels);
    return {
      train: train && trainClips(train),
      test: new ClipDataset(test, { clipLength: pre.clipLength, stride: 1 }),
      preprocessing: pre,
      description: `${layout.kind === 'ucsd' ? 'UCSD' : 'Avenue/ShanghaiTech'} layout ${path}: ${train ? `${train.length} training videos (${frames(train)} frames), ` : ''}` +
        `${test.length} test videos (${frames(test)} frames${labelled ? ', frame labels' : ', no labels'}), ${pre.size}x${pre.size}, ${pre.clipLength}-frame clips`,
    };
  }
  // a plain folder of videos, one video file or one frame folder: all normal footage, no test split
  let videos: VideoFrames[];
  if (isDir(path) && !holdsImages(path)) {
    videos = [];
    for (const e of listVideos(path)) videos.push({ ...(await readVideo(e.path, pre.size, v.maxFrames)), name: e.name });
  } else {
    videos = [await readVideo(path, pre.size, v.maxFrames)];
  }
  if (v.labels) {
    // one video with one label file: 0/1 per frame (.npy or text)
    if (videos.length !== 1 || isDir(v.labels)) throw new UserError(`--labels ${v.labels}: with a plain video, give one label file for one video (dataset folders find their own labels)`);
    if (!existsSync(v.labels)) throw new UserError(`label file '${v.labels}' does not exist`);
    const labels = readLabelFile(v.labels);
    const n = videos[0].count;
    if (labels.length < n || (v.maxFrames === undefined && labels.length !== n)) throw new UserError(`${v.labels}: ${labels.length} labels for ${n} frames of '${path}'`);
    videos[0].labels = labels.slice(0, n);
  }
  return {
    train: want.train ? trainClips(videos) : undefined,
    test: want.train ? undefined : new ClipDataset(videos, { clipLength: pre.clipLength, stride: 1 }),
    preprocessing: pre,
    description: `videos ${path}: ${videos.length} video${videos.length > 1 ? 's' : ''} (${frames(videos)} frames, ${v.labels ? 'frame labels' : 'no labels'}), ${pre.size}x${pre.size}, ${pre.clipLength}-frame clips`,
  };
}

function isLayout(path: string): boolean {
  try {
    findVideoLayout(path);
    return true;
  } catch {
    return false;
  }
}
