// Soak test of `memae watch` (docs/video.md): the real command reads a long looped stream of real footage
// (OpenCV's vtest.avi cut to a few seconds, ffmpeg -stream_loop, raw gray frames on its stdin) and its resident
// memory (VmRSS of the node process, /proc) is sampled while it runs. A small video model is trained first with
// `memae train` unless --model is given.
//   npx tsx bench/video-watch-soak.ts [--frames 90000] [--model DIR] [--sample-s 5]
// Prints frames/s and the RSS curve; writes bench/results/video-watch-soak.json.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchArgs } from './lib/args.js';

const here = dirname(fileURLToPath(import.meta.url));
const BIN = join(here, '..', 'packages', 'memae', 'bin', 'memae.mjs');
const VTEST = '/usr/share/doc/opencv-doc/examples/data/vtest.avi';
const { values: o } = benchArgs(import.meta.url, { options: { frames: { type: 'string', default: '90000' }, model: { type: 'string' }, 'sample-s': { type: 'string', default: '5' } } });
const total = Number(o.frames);
const work = mkdtempSync(join(tmpdir(), 'memae-soak-'));
const run = (cmd: string, args: string[]) => {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed`);
};
const cut = (file: string, from: number, frames: number) => run('ffmpeg', ['-nostdin', '-v', 'error', '-y', '-ss', String(from), '-i', VTEST, '-frames:v', String(frames), '-s', '96x72', '-c:v', 'mpeg4', '-q:v', '3', file]);

let model = o.model;
if (!model) {
  cut(join(work, 'train.avi'), 0, 60);
  run(process.execPath, [BIN, 'train', '--data', 'video', '--data-path', join(work, 'train.avi'), '--frame-size', '32', '--clip-length', '8', '--clip-stride', '2', '--encoder-channels', '4,8,8,8', '--memory-size', '20', '--epochs', '1', '--batch-size', '4', '-o', join(work, 'run'), '--quiet']);
  model = join(work, 'run', 'model');
}
const size = JSON.parse(readFileSync(join(model, 'manifest.json'), 'utf8')).preprocessing.size as number;
const clip = join(work, 'clip.avi');
cut(clip, 10, 48);

const ff = spawn('ffmpeg', ['-nostdin', '-v', 'error', '-stream_loop', '-1', '-i', clip, '-frames:v', String(total), '-f', 'rawvideo', '-pix_fmt', 'gray', '-s', `${size}x${size}`, '-sws_flags', 'area', 'pipe:1'], { stdio: ['ignore', 'pipe', 'inherit'] });
const w = spawn(process.execPath, [BIN, 'watch', model, '--input', '-'], { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, LIBTORCH_NUM_THREADS: process.env.LIBTORCH_NUM_THREADS ?? '1' } });
ff.stdout.pipe(w.stdin);
let frames = 0;
let tail = '';
w.stdout.on('data', (d: Buffer) => {
  const s = tail + d.toString();
  const lines = s.split('\n');
  tail = lines.pop() ?? '';
  frames += lines.length;
});
const rssMb = (): number | undefined => {
  const p = `/proc/${w.pid}/status`;
  if (!existsSync(p)) return undefined;
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(p, 'utf8'));
  return m ? Number(m[1]) / 1024 : undefined;
};
const t0 = performance.now();
const samples: { seconds: number; frames: number; rssMb: number }[] = [];
const timer = setInterval(() => {
  const rss = rssMb();
  if (rss === undefined) return;
  samples.push({ seconds: (performance.now() - t0) / 1000, frames, rssMb: rss });
  process.stderr.write(`${samples.at(-1)!.seconds.toFixed(0)} s: ${frames} frames, RSS ${rss.toFixed(1)} MB\n`);
}, Number(o['sample-s']) * 1000);
const code = await new Promise<number | null>((resolve) => w.on('close', resolve));
clearInterval(timer);
const seconds = (performance.now() - t0) / 1000;
if (code !== 0 || frames !== total) throw new Error(`memae watch exited ${code} after ${frames} of ${total} frames`);
const after = samples.filter((s) => s.frames >= Math.min(5000, total / 4));
const result = {
  command: `npx tsx bench/video-watch-soak.ts --frames ${total}`,
  frames: total,
  videoMinutesAt25fps: total / 25 / 60,
  seconds,
  framesPerSecond: total / seconds,
  rssMb: { first: after[0]?.rssMb, last: after.at(-1)?.rssMb, min: Math.min(...after.map((s) => s.rssMb)), max: Math.max(...after.map((s) => s.rssMb)) },
  samples,
  machine: 'shared 2-core machine (speed is only indicative)',
};
console.log(`${total} frames (${result.videoMinutesAt25fps.toFixed(1)} min at 25 fps) in ${seconds.toFixed(0)} s (${result.framesPerSecond.toFixed(0)} frames/s); ` +
  `RSS after ${Math.min(5000, total / 4)} frames: ${result.rssMb.first?.toFixed(1)} -> ${result.rssMb.last?.toFixed(1)} MB (min ${result.rssMb.min.toFixed(1)}, max ${result.rssMb.max.toFixed(1)})`);
mkdirSync(join(here, 'results'), { recursive: true });
writeFileSync(join(here, 'results', 'video-watch-soak.json'), JSON.stringify(result, null, 2) + '\n');
