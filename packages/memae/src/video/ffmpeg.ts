// Video files decoded by ffmpeg (Debian package `ffmpeg`): spawned once per video, gray frames resized by
// ffmpeg stream through a pipe as raw bytes (`-f rawvideo -pix_fmt gray -s SxS`); no temporary files.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
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

/** Decodes a video file to grayscale `size` x `size` uint8 frames. */
export function decodeVideoFile(file: string, opts: VideoDecodeOptions): Promise<VideoFrames> {
  checkSize(opts.size);
  if (!existsSync(file)) return Promise.reject(new UserError(`video file '${file}' does not exist`));
  const ffmpeg = opts.ffmpegPath ?? process.env.MEMAE_FFMPEG ?? 'ffmpeg';
  const frame = opts.size * opts.size;
  const args = ['-nostdin', '-v', 'error', '-i', file];
  const start = opts.startFrame ?? 0;
  // select by frame number: exact and deterministic (time-based seeking may land on a neighbouring frame)
  if (start > 0) args.push('-vf', `select=gte(n\\,${start})`, '-vsync', 'passthrough');
  if (opts.maxFrames !== undefined) args.push('-frames:v', String(opts.maxFrames));
  args.push('-an', '-f', 'rawvideo', '-pix_fmt', 'gray', '-s', `${opts.size}x${opts.size}`, '-sws_flags', 'area', 'pipe:1');

  return new Promise((resolve, reject) => {
    const child = spawn(ffmpeg, args, { stdio: ['ignore', 'pipe', 'pipe'], env: opts.env ?? process.env });
    const chunks: Buffer[] = [];
    let bytes = 0;
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      chunks.push(c);
      bytes += c.length;
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr = (stderr + c.toString()).slice(-2000);
    });
    child.on('error', (e: NodeJS.ErrnoException) => {
      reject(
        e.code === 'ENOENT'
          ? new UserError(`ffmpeg not found ('${ffmpeg}'): install it (Debian: apt-get install ffmpeg) or set MEMAE_FFMPEG / ffmpegPath`)
          : new UserError(`cannot run ffmpeg ('${ffmpeg}'): ${e.message}`),
      );
    });
    child.on('close', (code) => {
      if (code !== 0) {
        const why = stderr.trim().split('\n').pop() ?? `exit code ${code}`;
        reject(new UserError(`ffmpeg could not decode '${file}': ${why}`));
        return;
      }
      if (bytes === 0 || bytes % frame !== 0) {
        reject(new UserError(`ffmpeg returned ${bytes} bytes for '${file}', not a whole number of ${opts.size}x${opts.size} frames`));
        return;
      }
      const pixels = new Uint8Array(bytes);
      let at = 0;
      for (const c of chunks) {
        pixels.set(c, at);
        at += c.length;
      }
      resolve({ name: baseName(file), size: opts.size, count: bytes / frame, pixels });
    });
  });
}
