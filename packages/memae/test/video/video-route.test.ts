// The service's video route on a real server (fastify inject): a real video upload -> per-frame scores equal to
// offline scoring; byte limit (413), undecodable upload (400), wrong model kind (400); temp files always removed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useTestBackend } from '../helpers/backend.js';
import { loadDetector } from '../../src/run/detector-port.js';
import { servedModel } from '../../src/serve/from-detector.js';
import { buildServer } from '../../src/serve/server.js';
import { decodeVideoFile } from '../../src/video/ffmpeg.js';
import { scoreVideoFrames } from '../../src/video/score-frames.js';
import { cutVtest, tmp, trainSmallModel } from './video-fixtures.js';

process.env.LIBTORCH_NUM_THREADS ??= '1';
const uploads = () => readdirSync(tmpdir()).filter((n) => n.startsWith('memae-upload-')).length;

test('service: POST /v1/models/{name}/score-video answers per-frame scores; limits and bad uploads', async () => {
  await useTestBackend();
  const dir = tmp();
  const model = await trainSmallModel(cutVtest(join(dir, 'train.avi'), { from: 0, frames: 40 }), join(dir, 'model'));
  const clip = cutVtest(join(dir, 'clip.avi'), { from: 12, frames: 30 });
  const det = await loadDetector(model);
  const offline = await scoreVideoFrames(await decodeVideoFile(clip, { size: 32 }), 8, async (x, n) => (await det.scoreArray(x, n, false)).scores);
  const body = readFileSync(clip);
  const before = uploads();
  const app = await buildServer({ models: [servedModel('street', det)], videoBodyLimit: body.length + 10 });
  try {
    const ok = await app.inject({ method: 'POST', url: '/v1/models/street/score-video', payload: body, headers: { 'content-type': 'video/x-msvideo' } });
    assert.equal(ok.statusCode, 200, ok.body);
    const r = ok.json() as { frames: number; clipLength: number; scores: number[]; regularity: number[]; labels: number[] };
    assert.equal(r.frames, 30);
    assert.equal(r.clipLength, 8);
    r.scores.forEach((s, f) => assert.ok(Math.abs(s - offline.error[f]) <= 1e-5 * offline.error[f], `frame ${f}`));
    r.regularity.forEach((p, f) => assert.ok(Math.abs(p - offline.regularity[f]) < 1e-4, `frame ${f}`));
    assert.equal(r.labels.length, 30);

    const big = await app.inject({ method: 'POST', url: '/v1/models/street/score-video', payload: Buffer.concat([body, Buffer.alloc(100)]), headers: { 'content-type': 'application/octet-stream' } });
    assert.equal(big.statusCode, 413);
    assert.match(big.json().error, /larger than \d+ bytes/);
    const junk = await app.inject({ method: 'POST', url: '/v1/models/street/score-video', payload: Buffer.from('no video here'), headers: { 'content-type': 'video/mp4' } });
    assert.equal(junk.statusCode, 400);
    assert.match(junk.json().error, /ffmpeg could not decode 'the upload'/);
    const none = await app.inject({ method: 'POST', url: '/v1/models/nope/score-video', payload: body, headers: { 'content-type': 'video/mp4' } });
    assert.equal(none.statusCode, 404);
    // the other routes keep their own parsers
    const json = await app.inject({ method: 'POST', url: '/v1/models/street/score', payload: { instances: [[0]] } });
    assert.equal(json.statusCode, 400);
    assert.match(json.json().error, /8192 per sample/);
  } finally {
    await app.close();
  }
  assert.equal(uploads(), before, 'temporary upload folders left behind');
});
