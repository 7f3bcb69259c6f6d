// Loopback load test of `memae serve`: requests/s and latency p50/p99 at 1, 16 and 128 concurrent clients,
// server memory and live tfjs tensors before and after 10,000 requests. Writes bench/results/serve-load.json.
//   npx tsx bench/serve-load.ts [--model DIR] [--requests 10000] [--max-seconds 60]
// Without --model it trains a small MemAE on Fashion-MNIST class 0 first (about a minute).
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { loadFashionMnist } from '../packages/memae/src/data/mnist.js';
import { oneClassSplit, select } from '../packages/memae/src/data/split.js';
import { samplePng } from '../packages/memae/src/report/png.js';
import { createDetector } from '../packages/memae/src/run/detector-port.js';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const TOTAL = Number(arg('requests', '10000'));
const MAX_SECONDS = Number(arg('max-seconds', '60'));
const LEVELS = [1, 16, 128];

async function makeModel(): Promise<string> {
  const dir = join(mkdtempSync(join(tmpdir(), 'memae-load-')), 'fmnist');
  const train = await loadFashionMnist({ split: 'train', limit: 6000 });
  const test = await loadFashionMnist({ split: 'test', limit: 100 });
  const s = oneClassSplit(train, test, 0);
  const det = await createDetector({ kind: 'image', variant: 'memae', inputShape: [28, 28, 1] });
  await det.fit(select(s.train, Int32Array.from({ length: 512 }, (_, i) => i)), { epochs: 1, batchSize: 64 });
  await det.save(dir);
  det.dispose();
  return dir;
}

function startServer(modelDir: string): Promise<{ port: number; stop: () => Promise<number | null> }> {
  const p = spawn(process.execPath, ['packages/memae/bin/memae.mjs', 'serve', `fmnist=${modelDir}`, '--port', '0', '--quiet'], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    let exited: number | null | undefined;
    p.on('error', reject);
    p.on('exit', (c, sig) => {
      exited = c ?? -1;
      reject(new Error(`server exited with ${c ?? sig}: ${out}`));
    });
    p.stdout.on('data', (d) => {
      out += d;
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) {
        resolve({
          port: Number(m[1]),
          stop: () => new Promise((done) => {
            if (exited !== undefined) return done(exited);
            p.on('exit', (code, sig) => done(code ?? (sig === 'SIGTERM' ? 143 : -1)));
            p.kill('SIGTERM');
          }),
        });
      }
    });
  });
}

async function serverStats(base: string): Promise<{ rssBytes: number; heapBytes: number; tensors: number; tensorBytes: number }> {
  const t = await (await fetch(base + '/metrics')).text();
  const g = (name: string) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(t)?.[1] ?? NaN);
  return { rssBytes: g('memae_process_resident_memory_bytes'), heapBytes: g('memae_nodejs_heap_size_used_bytes'), tensors: g('memae_tfjs_tensors'), tensorBytes: g('memae_tfjs_bytes') };
}

const pct = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

async function level(url: string, png: Uint8Array<ArrayBuffer>, clients: number, requests: number) {
  const lat: number[] = [];
  let next = 0;
  let errors = 0;
  const deadline = performance.now() + MAX_SECONDS * 1000;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: clients }, async () => {
    while (next < requests && performance.now() < deadline) {
      next++;
      const s = performance.now();
      const r = await fetch(url, { method: 'POST', body: png, headers: { 'content-type': 'image/png' } });
      await r.arrayBuffer();
      if (r.status !== 200) errors++;
      lat.push(performance.now() - s);
    }
  }));
  const secs = (performance.now() - t0) / 1000;
  lat.sort((a, b) => a - b);
  return { clients, requests: lat.length, errors, seconds: secs, requestsPerSec: lat.length / secs, p50Ms: pct(lat, 0.5), p99Ms: pct(lat, 0.99) };
}

const modelDir = arg('model', '') || (await makeModel());
const test = await loadFashionMnist({ split: 'test', limit: 1 });
const png = new Uint8Array(samplePng(test.gather([0]), [28, 28, 1]));
const server = await startServer(modelDir);
const base = `http://127.0.0.1:${server.port}`;
const url = `${base}/v1/models/fmnist/score`;
try {
  await level(url, png, 4, 50); // warm-up, not counted
  const before = await serverStats(base);
  const per = LEVELS.map((c, i) => Math.floor(TOTAL / LEVELS.length) + (i === 0 ? TOTAL % LEVELS.length : 0));
  const results = [];
  for (let i = 0; i < LEVELS.length; i++) {
    const r = await level(url, png, LEVELS[i], per[i]);
    results.push(r);
    console.log(`${String(r.clients).padStart(3)} clients: ${r.requests} requests, ${r.requestsPerSec.toFixed(0)} req/s, p50 ${r.p50Ms.toFixed(2)} ms, p99 ${r.p99Ms.toFixed(2)} ms, errors ${r.errors}`);
  }
  const afterStats = await serverStats(base);
  const metrics = await (await fetch(base + '/metrics')).text();
  const bsum = Number(/memae_batch_samples_sum\{model="fmnist"\} (\S+)/.exec(metrics)?.[1]);
  const bcount = Number(/memae_batch_samples_count\{model="fmnist"\} (\S+)/.exec(metrics)?.[1]);
  const done = results.reduce((a, r) => a + r.requests, 0);
  console.log(`server after ${done} requests: tensors ${before.tensors} -> ${afterStats.tensors}, rss ${(before.rssBytes / 2 ** 20).toFixed(0)} -> ${(afterStats.rssBytes / 2 ** 20).toFixed(0)} MiB, heap ${(before.heapBytes / 2 ** 20).toFixed(0)} -> ${(afterStats.heapBytes / 2 ** 20).toFixed(0)} MiB, mean micro-batch ${(bsum / bcount).toFixed(1)} samples`);
  const code = await server.stop();
  console.log(`SIGTERM: server exited with ${code}`);
  const out = {
    date: new Date().toISOString(), machine: { cpus: cpus().length, cpu: cpus()[0]?.model, memGiB: totalmem() / 2 ** 30, node: process.version },
    payload: 'one 28x28 Fashion-MNIST PNG per request', requests: done, levels: results, before, after: afterStats,
    meanBatchSamples: bsum / bcount, serverExitCode: code,
  };
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/serve-load.json', JSON.stringify(out, null, 2) + '\n');
  console.log('wrote bench/results/serve-load.json');
} catch (e) {
  await server.stop();
  throw e;
}
