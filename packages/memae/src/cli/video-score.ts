// `memae score MODEL clip.mp4 frames/ ...` (and `--data video --data-path P`): per-frame scores of each video with
// the model's saved preprocessing. Each row: the input, the 0-based frame index, the error of the clip centred on
// the frame, the video's regularity there and the anomaly flag at the model threshold.
import { writeFileSync } from 'node:fs';
import { UserError } from '../errors/user-error.js';
import { videoPreprocessingFor } from '../preprocess/video.js';
import { loadDetector } from '../run/detector-port.js';
import { scoreVideoFrames } from '../video/score-frames.js';
import { Output } from './output.js';
import { expandVideoInput, readVideo } from './video-source.js';

export interface VideoScoreFlags {
  out?: string;
  csv?: boolean;
  json?: boolean;
  quiet?: boolean;
  maxFrames?: number;
}

export async function scoreVideos(modelDir: string, inputs: string[], flags: VideoScoreFlags): Promise<void> {
  const out = new Output({ quiet: flags.quiet || flags.csv, json: flags.json });
  const files: string[] = [];
  for (const p of inputs) {
    if (!p) throw new UserError('no video to score: give video files or frame folders after the model directory');
    files.push(...expandVideoInput(p));
  }
  const det = await loadDetector(modelDir);
  try {
    if (det.kind !== 'video') throw new UserError(`${modelDir} is a ${det.kind} model: video files need a model trained with --data video`);
    const spec = videoPreprocessingFor(det.inputShape, det.preprocessing);
    const t = det.threshold;
    const videos = [];
    for (const input of files) {
      const video = await readVideo(input, spec.size, flags.maxFrames);
      if (video.count < spec.clipLength) throw new UserError(`'${input}': ${video.count} frames, fewer than one clip of ${spec.clipLength}`);
      out.note(`${input}: ${video.count} frames, ${video.count - spec.clipLength + 1} clips of ${spec.clipLength}`);
      const r = await scoreVideoFrames(video, spec.clipLength, async (x, n) => (await det.scoreArray(x, n, false)).scores);
      videos.push({
        input,
        frames: video.count,
        scores: Array.from(r.error),
        regularity: Array.from(r.regularity),
        labels: t === null ? null : Array.from(r.error, (e): number => (e > t ? 1 : 0)),
      });
    }
    const result = { model: modelDir, threshold: t, clipLength: spec.clipLength, size: spec.size, videos };
    if (flags.out) {
      writeFileSync(flags.out, JSON.stringify(result) + '\n');
      out.result(`scores: ${flags.out}`);
    }
    if (flags.json) {
      out.emitJson(flags.out ? { ...result, videos: undefined, file: flags.out } : result);
      return;
    }
    const lines: string[] = [flags.csv ? 'input,frame,score,regularity,anomaly' : 'input\tframe\tscore\tregularity\tanomaly'];
    const quote = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
    for (const v of videos) {
      for (let f = 0; f < v.frames; f++) {
        const cells = [flags.csv ? quote(v.input) : v.input, String(f), v.scores[f].toPrecision(6), v.regularity[f].toFixed(4), v.labels ? String(v.labels[f]) : ''];
        lines.push(cells.join(flags.csv ? ',' : '\t'));
      }
    }
    if (!flags.out || flags.csv) process.stdout.write(lines.join('\n') + '\n');
    for (const v of videos) {
      const n = v.labels?.reduce((a, b) => a + b, 0);
      out.note(`${v.input}: ${v.frames} frames` + (n === undefined ? '' : `, ${n} above the threshold ${t!.toPrecision(4)}`));
    }
  } finally {
    det.dispose();
  }
}
