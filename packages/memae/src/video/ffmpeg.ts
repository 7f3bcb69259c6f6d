// Video files decoded by ffmpeg (Debian package `ffmpeg`): spawned once per video, gray frames resized by
// ffmpeg stream through a pipe as raw bytes (`-f rawvideo -pix_fmt gray -s SxS`); no temporary files.
// `openFrameStream` gives the same frames as a stream (memae watch); `decodeVideoFile` collects them.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { UserError } from '../errors/user-error.js';
import { baseName, checkSize, type VideoFrames } from './frames.js';

export const VIDEO_EXTENSIONS = ['.avi', '.mp4', '.mkv', '.mov', '.webm', '.mpg', '.mpeg', '.m4v'];

export interface VideoDecodeOptions {
  /** side of the square output frames */
  size: number;
  /** decode only the first `maxFrames` frames */
  maxFrames?: number;
  /** skip this many frames first */
  startFrame?: number;
  /** ffmpeg executable: default $MEMAE_FFMPEG, else `ffmpeg` on PATH */
  ffmpegPath?: string;
  /** environment of the ffmpeg process (default: this process's) */
  env?: NodeJS.ProcessEnv;
}

export const ffmpegExecutable = (path?: string): string => path ?? process.env.MEMAE_FFMPEG ?? 'ffmpeg';

/** The one-line error for a failed spawn of ffmpeg. */
export function ffmpegSpawnError(ffmpeg: string, e: NodeJS.ErrnoException): UserError {
  return e.code === 'ENOENT'
    ? new UserError(`ffmpeg not found ('${ffmpeg}'): install it (Debian: apt-get install ffmpeg) or set MEMAE_FFMPEG / ffmpegPath`)
    : new UserError(`cannot run ffmpeg ('${ffmpeg}'): ${e.message}`);
}

/** ffmpeg arguments decoding `input` (a file, or pipe:0) to raw gray size x size frames on stdout. */
function decodeArgs(input: string, opts: VideoDecodeOptions): string[] {
  const args = ['-nostdin', '-v', 'error', '-i', input];
  if (input === 'pipe:0') args.splice(0, 1);
  const start = opts.startFrame ?? 0;
  // select by frame number: exact and deterministic (time-based seeking may land on a neighbouring frame)
  if (start > 0) args.push('-vf', `select=gte(n\\,${start})`, '-vsync', 'passthrough');
  if (opts.maxFrames !== undefined) args.push('-frames:v', String(opts.maxFrames));
  args.push('-an', '-f', 'rawvideo', '-pix_fmt', 'gray', '-s', `${opts.size}x${opts.size}`, '-sws_flags', 'area', 'pipe:1');
  return args;
}

export interface FrameStream {
  /** raw gray frames, size * size bytes each, back to back */
  frames: Readable;
  /** resolves when ffmpeg exits cleanly; rejects with a one-line UserError otherwise */
  done: Promise<void>;
  /** stops ffmpeg */
  stop(): void;
}

/**
 * Spawns ffmpeg decoding `file` ('-' = an encoded video on this process's stdin) and returns its frames as a stream
 * (backpressure pauses ffmpeg, so memory stays bounded whatever the video's length).
 */
export function openFrameStream(file: string, opts: VideoDecodeOptions): FrameStream {
  checkSize(opts.size);
  const stdin = file === '-';
  if (!stdin && !file.includes('://') && !existsSync(file)) throw new UserError(`video file '${file}' does not exist`);
  const ffmpeg = ffmpegExecutable(opts.ffmpegPath);
  const child = spawn(ffmpeg, decodeArgs(stdin ? 'pipe:0' : file, opts), { stdio: [stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'], env: opts.env ?? process.env });
  if (stdin) process.stdin.pipe(child.stdin!);
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => {
    stderr = (stderr + c.toString()).slice(-2000);
  });
  let stopped = false;
  const done = new Promise<void>((resolve, reject) => {
    child.on('error', (e: NodeJS.ErrnoException) => {
      const err = ffmpegSpawnError(ffmpeg, e);
      child.stdout!.destroy(err);
      reject(err);
    });
    child.on('close', (code) => {
      if (code === 0 || stopped) resolve();
      else reject(new UserError(`ffmpeg could not decode '${stdin ? 'stdin' : file}': ${stderr.trim().split('\n').pop() || `exit code ${code}`}`));
    });
  });
  // the caller awaits `done` (or reads until the stream errors); never an unhandled rejection
  done.catch(() => undefined);
  return {
    frames: child.stdout!,
    done,
    stop: () => {
      stopped = true;
      if (stdin) process.stdin.unpipe(child.stdin!);
      child.kill('SIGTERM');
    },
  };
}

/** Decodes a video file to grayscale `size` x `size` uint8 frames. */
export async function decodeVideoFile(file: string, opts: VideoDecodeOptions): Promise<VideoFrames> {
  checkSize(opts.size);
  if (!existsSync(file)) throw new UserError(`video file '${file}' does not exist`);
  const s = openFrameStream(file, opts);
  const frame = opts.size * opts.size;
  const chunks: Buffer[] = [];
  let bytes = 0;
  try {
    for await (const c of s.frames as AsyncIterable<Buffer>) {
      chunks.push(c);
      bytes += c.length;
    }
  } catch {
    // the reason comes from `done` (spawn error or ffmpeg's own message)
  }
  await s.done;
  if (bytes === 0) throw new UserError(`video file '${file}' has no frames (empty, or not a video)`);
  if (bytes % frame !== 0) throw new UserError(`ffmpeg returned ${bytes} bytes for '${file}', not a whole number of ${opts.size}x${opts.size} frames`);
  const pixels = new Uint8Array(bytes);
  let at = 0;
  for (const c of chunks) {
    pixels.set(c, at);
    at += c.length;
  }
  return { name: baseName(file), size: opts.size, count: bytes / frame, pixels };
}
