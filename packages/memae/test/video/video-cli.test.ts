// Video end to end through the real `memae` command: train on a UCSD-like folder of real footage (vtest.avi cut
// down by ffmpeg, a block pasted over labelled frames), eval -> frame AUROC, score a video file and a frame folder,
// the report's per-frame curves and clip strips, and one-line errors for bad input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../cli/run-cli.js';
import { main } from '../../src/cli/main.js';
import { pairAuc, SMALL_MODEL, tmp, ucsdLayout } from './video-fixtures.js';
import { DEFAULT_VIDEO_SCORE_WEIGHTS } from '../../src/score/video-score.js';

process.env.LIBTORCH_NUM_THREADS ??= '1';
const root = ucsdLayout(join(tmp(), 'ped'));
const runDir = join(tmp(), 'run');
const model = join(runDir, 'model');
const testVideo = join(root, 'Test', 'Test001.avi');

interface ScoreJson { threshold: number | null; clipLength: number; videos: { input: string; frames: number; scores: number[]; regularity: number[]; labels: number[] | null }[] }

/** Runs the CLI in this process (the real command code, without a process start) and returns code and stderr. */
async function inProcess(args: string[]): Promise<{ code: number; stderr: string }> {
  const write = process.stderr.write.bind(process.stderr);
  let stderr = '';
  process.stderr.write = ((s: string) => ((stderr += s), true)) as typeof process.stderr.write;
  try {
    return { code: await main(['node', 'memae', ...args]), stderr };
  } finally {
    process.stderr.write = write;
  }
}

test('video CLI: train on a UCSD layout, eval -> frame AUROC, score a file and a frame folder, report', async () => {
  const tr = await runCli(['train', '--data', 'video', '--data-path', root, ...SMALL_MODEL, '-o', runDir, '--json']);
  assert.equal(tr.code, 0, tr.stderr);
  const res = JSON.parse(tr.stdout) as { auroc: number; frames: number };
  // frame-level AUROC over the 33 counted frames of the 40-frame test video (8-frame clips: frames 4..36)
  assert.equal(res.frames, 33);
  assert.ok(res.auroc >= 0 && res.auroc <= 1);
  // frame differencing beside it, frame-level over the same frames, kept in metrics.json and shown in the report
  const b = (JSON.parse(tr.stdout) as { baseline: { name: string; level: string; auroc: number } }).baseline;
  assert.equal(b.name, 'frame-diff');
  assert.equal(b.level, 'frame');
  assert.ok(b.auroc >= 0 && b.auroc <= 1);
  assert.deepEqual(JSON.parse(readFileSync(join(runDir, 'metrics.json'), 'utf8')).baseline, b);
  assert.match(readFileSync(join(runDir, 'report.html'), 'utf8'), /baseline: frame differencing, same split/);

  const manifest = JSON.parse(readFileSync(join(model, 'manifest.json'), 'utf8'));
  const { score, ...spec } = manifest.preprocessing as { score: { channels: { name: string; weight: number }[] } };
  assert.deepEqual(spec, { kind: 'video', version: 1, size: 32, channels: 1, resize: 'fill', clipLength: 8, trainStride: 2, normalization: 'gray/127.5-1' });
  // the default clip score (score/video-score.ts), with statistics of the training clips
  assert.deepEqual(score.channels.map((c) => [c.name, c.weight]), Object.entries(DEFAULT_VIDEO_SCORE_WEIGHTS));

  // the report: one per-frame curve with the labelled frames, and the most anomalous clips as strips
  const video = JSON.parse(readFileSync(join(runDir, 'video.json'), 'utf8'));
  assert.equal(video.videos.length, 1);
  assert.equal(video.videos[0].scores.length, 40);
  assert.equal(video.videos[0].truth.reduce((a: number, b: number) => a + b, 0), 13);
  assert.ok(video.topClips.length >= 2);
  for (const c of video.topClips) assert.ok(existsSync(join(runDir, c.strip)));
  const html = readFileSync(join(runDir, 'report.html'), 'utf8');
  assert.match(html, /Test001: per-frame score vs ground truth/);
  assert.match(html, /Most anomalous clips/);
  assert.equal((html.match(/<figure class="strip"><img src="data:image\/png;base64,/g) ?? []).length, video.topClips.length);

  // eval on the same folder: the same frame AUROC as train's test pass
  const ev = await runCli(['eval', model, '--data', 'video', '--data-path', root, '-o', join(tmp(), 'eval'), '--json']);
  assert.equal(ev.code, 0, ev.stderr);
  const evr = JSON.parse(ev.stdout) as { auroc: number; frames: number };
  assert.equal(evr.auroc, res.auroc);

  // score the test video: per-frame errors; the AUROC recomputed from them by counting pairs equals eval's
  const sc = await runCli(['score', model, testVideo, '--json']);
  assert.equal(sc.code, 0, sc.stderr);
  const s = JSON.parse(sc.stdout) as ScoreJson;
  assert.equal(s.videos[0].frames, 40);
  const truth = video.videos[0].truth as number[];
  const counted = Array.from({ length: 33 }, (_, i) => i + 4);
  const auc = pairAuc(counted.map((f) => truth[f]), counted.map((f) => 1 - s.videos[0].regularity[f]));
  assert.ok(Math.abs(auc - evr.auroc) < 1e-9, `${auc} vs ${evr.auroc}`);
  // edge frames copy the nearest clip: frames 0..4 share the first clip's error, 36..39 the last one's
  for (let f = 0; f < 4; f++) assert.equal(s.videos[0].scores[f], s.videos[0].scores[4]);
  for (let f = 37; f < 40; f++) assert.equal(s.videos[0].scores[f], s.videos[0].scores[36]);

  // --csv: one row per frame, frame indices as ids, the same numbers
  const csv = await runCli(['score', model, testVideo, '--csv']);
  assert.equal(csv.code, 0, csv.stderr);
  const rows = csv.stdout.trim().split('\n');
  assert.equal(rows[0], 'input,frame,score,regularity,anomaly');
  assert.equal(rows.length, 41);
  rows.slice(1).forEach((r, f) => {
    const [input, frame, score] = r.split(',');
    assert.equal(input, testVideo);
    assert.equal(Number(frame), f);
    assert.ok(Math.abs(Number(score) - s.videos[0].scores[f]) <= 1e-5 * s.videos[0].scores[f]);
  });

  // a frame folder of the same video (PNG files written by ffmpeg), scored in-process
  const frames = join(tmp(), 'frames');
  mkdirSync(frames);
  const r = spawnSync('ffmpeg', ['-nostdin', '-v', 'error', '-i', testVideo, join(frames, '%04d.png')]);
  assert.equal(r.status, 0, r.stderr.toString());
  const out = join(tmp(), 'folder.json');
  const fo = await inProcess(['score', model, frames, '-o', out, '--quiet']);
  assert.equal(fo.code, 0, fo.stderr);
  const fs = JSON.parse(readFileSync(out, 'utf8')) as ScoreJson;
  assert.equal(fs.videos[0].frames, 40);
});

test('video CLI: bad input is a one-line error naming the file or frame (exit 2)', async () => {
  assert.ok(existsSync(model), 'needs the model of the first test');
  const dir = tmp();
  const oneLine = (r: { code: number | null; stderr: string }, re: RegExp) => {
    assert.equal(r.code, 2, r.stderr);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], re);
  };
  // a frame folder with a gap: frame 3 missing
  const gap = join(dir, 'gap');
  mkdirSync(gap);
  spawnSync('ffmpeg', ['-nostdin', '-v', 'error', '-i', testVideo, '-frames:v', '12', join(gap, '%03d.png')]);
  spawnSync('rm', [join(gap, '003.png')]);
  oneLine(await inProcess(['score', model, gap]), /frame folder '.*gap': frame 3 is missing \(after '002.png', next is '004.png'\)/);
  // an empty file and a text file with a video extension
  writeFileSync(join(dir, 'empty.mp4'), '');
  oneLine(await inProcess(['score', model, join(dir, 'empty.mp4')]), /empty\.mp4/);
  writeFileSync(join(dir, 'notes.avi'), 'these are not frames\n');
  oneLine(await inProcess(['score', model, join(dir, 'notes.avi')]), /ffmpeg could not decode '.*notes\.avi'/);
  // fewer frames than one clip
  const short = join(dir, 'short.avi');
  spawnSync('ffmpeg', ['-nostdin', '-v', 'error', '-i', testVideo, '-frames:v', '5', '-c:v', 'mpeg4', short]);
  oneLine(await inProcess(['score', model, short]), /short\.avi': 5 frames, fewer than one clip of 8/);
  // not a video at all
  oneLine(await inProcess(['score', model, join(root, 'Test', 'gt.m')]), /gt\.m' is not a video file or a folder of frame images/);
  // a labelled folder with labels of the wrong length
  writeFileSync(join(dir, 'labels.txt'), '0 1 0\n');
  oneLine(await inProcess(['eval', model, '--data', 'video', '--data-path', testVideo, '--labels', join(dir, 'labels.txt'), '-o', join(dir, 'ev')]), /labels\.txt: 3 labels for 40 frames/);
  // ffmpeg missing, in a real child process
  oneLine(await runCli(['score', model, testVideo], { env: { MEMAE_FFMPEG: '/nonexistent/ffmpeg' } }), /ffmpeg not found \('\/nonexistent\/ffmpeg'\): install it/);
});
