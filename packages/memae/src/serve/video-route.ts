// POST /v1/models/{name}/score-video: a video file in the body (any content type ffmpeg reads: video/*, or
// application/octet-stream), per-frame scores out. The upload streams to a temporary file (ffmpeg needs a
// seekable file for most containers) with a byte limit (413 beyond it), and the file is always removed.
// The route lives in its own encapsulated plugin, so its stream parser does not change the other routes.
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyInstance } from 'fastify';
import { UserError } from '../errors/user-error.js';
import { videoPreprocessingFor } from '../preprocess/video.js';
import { decodeVideoFile } from '../video/ffmpeg.js';
import { scoreVideoFrames } from '../video/score-frames.js';
import { RequestError } from './decode.js';
import { MODEL_NAME, type ServedModel } from './served-model.js';

export interface VideoRouteOptions {
  models: ServedModel[];
  /** largest upload in bytes (default 256 MiB) */
  maxBytes?: number;
  /** most clips per forward pass */
  maxBatch?: number;
}

/** Copies the stream to `file`, failing with 413 past `max` bytes. */
async function saveUpload(body: Readable, file: string, max: number): Promise<number> {
  let bytes = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      if (bytes > max) done(new RequestError(413, `video upload larger than ${max} bytes`));
      else done(null, chunk);
    },
  });
  await pipeline(body, limit, createWriteStream(file));
  return bytes;
}

export function registerVideoRoute(app: FastifyInstance, opts: VideoRouteOptions): void {
  const max = opts.maxBytes ?? 256 * 1024 * 1024;
  const models = new Map(opts.models.map((m) => [m.name, m]));
  void app.register(async (scope) => {
    // the raw body stream, unparsed: this scope only
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_req, payload, done) => done(null, payload));
    scope.post<{ Params: { name: string } }>('/v1/models/:name/score-video', async (req) => {
      const m = MODEL_NAME.test(req.params.name) ? models.get(req.params.name) : undefined;
      if (!m) throw new RequestError(404, `no model named '${req.params.name.slice(0, 64)}'; GET /v1/models lists them`);
      if (m.kind !== 'video') throw new RequestError(400, `model '${m.name}' is a ${m.kind} model; score-video needs a video model`);
      const declared = Number(req.headers['content-length']);
      if (declared > max) throw new RequestError(413, `video upload larger than ${max} bytes`);
      const spec = videoPreprocessingFor(m.inputShape, undefined);
      const dir = await mkdtemp(join(tmpdir(), 'memae-upload-'));
      try {
        const file = join(dir, 'upload');
        const bytes = await saveUpload(req.body as Readable, file, max);
        if (bytes === 0) throw new RequestError(400, 'empty body: send the video file as the request body');
        let video;
        try {
          video = await decodeVideoFile(file, { size: spec.size });
        } catch (e) {
          if (e instanceof UserError) throw new RequestError(400, e.message.replaceAll(file, 'the upload'));
          throw e;
        }
        if (video.count < spec.clipLength) throw new RequestError(400, `the upload has ${video.count} frames, fewer than one clip of ${spec.clipLength}`);
        const r = await scoreVideoFrames(video, spec.clipLength, async (x, n) => (await m.run(x, n, false)).scores, opts.maxBatch ?? 8);
        const t = m.threshold;
        return {
          model: m.name,
          threshold: t,
          clipLength: spec.clipLength,
          frames: video.count,
          scores: Array.from(r.error),
          regularity: Array.from(r.regularity),
          labels: t === null ? null : Array.from(r.error, (e) => (e > t ? 1 : 0)),
        };
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  });
}
