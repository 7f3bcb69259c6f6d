// memae watch MODEL --input FILE|-: online scoring of a frame stream with a video model. ffmpeg decodes a file
// (or an encoded stream on stdin) to raw gray frames of the model's size; raw frames may also come on stdin.
// One line per frame as soon as the clip centred on it is complete; memory stays bounded (video/stream.ts).
import type { Readable } from 'node:stream';
import { UserError } from '../../errors/user-error.js';
import { videoPreprocessingFor } from '../../preprocess/video.js';
import { loadDetector } from '../../run/detector-port.js';
import { openFrameStream, type FrameStream } from '../../video/ffmpeg.js';
import { OnlineClipScorer, type StreamFrame } from '../../video/stream.js';

export interface WatchFlags {
  input: string;
  format: 'raw' | 'video';
  window: number;
  batch: number;
  json?: boolean;
}

/** Writes a line, waiting while the consumer is slow (bounded memory when stdout is a slow pipe). */
function writer(stream: NodeJS.WritableStream): (line: string) => Promise<void> {
  return (line) =>
    stream.write(line + '\n') ? Promise.resolve() : new Promise<void>((resolve) => stream.once('drain', () => resolve()));
}

/** Reads `frames` into `scorer`, flushing pending clips whenever the input has nothing more buffered. */
export async function pumpFrames(frames: Readable, scorer: OnlineClipScorer, source: string): Promise<void> {
  for await (const chunk of frames as AsyncIterable<Buffer>) {
    await scorer.push(chunk, frames.readableLength === 0);
  }
  await scorer.end(source);
}

export async function watch(modelDir: string, flags: WatchFlags): Promise<void> {
  const det = await loadDetector(modelDir);
  let ff: FrameStream | undefined;
  try {
    if (det.kind !== 'video') throw new UserError(`${modelDir} is a ${det.kind} model: memae watch needs a video model`);
    const spec = videoPreprocessingFor(det.inputShape, det.preprocessing);
    const t = det.threshold;
    const write = writer(process.stdout);
    const raw = flags.input === '-' && flags.format === 'raw';
    // the header goes out with the first frame, so a failure to start is one line
    let header =
      `memae watch: ${raw ? `raw ${spec.size}x${spec.size} gray frames on stdin` : flags.input === '-' ? 'video on stdin' : flags.input}, ` +
      `${spec.clipLength}-frame clips; columns: frame, score, regularity (last ${flags.window} clips), anomaly (score > ${t === null ? 'no threshold' : t.toPrecision(4)})\n`;
    const line = (f: StreamFrame): Promise<void> => {
      if (header) {
        process.stderr.write(header);
        header = '';
      }
      const anomaly = t === null ? null : f.error > t ? 1 : 0;
      return write(
        flags.json
          ? JSON.stringify({ frame: f.frame, score: f.error, regularity: Number(f.regularity.toFixed(6)), anomaly })
          : `${f.frame}\t${f.error.toPrecision(6)}\t${f.regularity.toFixed(4)}\t${anomaly ?? ''}`,
      );
    };
    const scorer = new OnlineClipScorer(
      { size: spec.size, clipLength: spec.clipLength, window: flags.window, batch: flags.batch },
      async (x, n) => (await det.scoreArray(x, n, false)).scores,
      line,
    );
    if (raw) {
      await pumpFrames(process.stdin, scorer, 'stdin');
    } else {
      ff = openFrameStream(flags.input, { size: spec.size });
      try {
        await pumpFrames(ff.frames, scorer, flags.input);
      } catch (e) {
        // a failed ffmpeg explains itself better than the truncated stream
        await ff.done;
        throw e;
      }
      await ff.done;
    }
  } finally {
    ff?.stop();
    det.dispose();
  }
}
