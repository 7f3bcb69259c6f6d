// Loopback load test of `memae serve` with a load generator in its own process (autocannon): requests/s and
// latency p50/p99 for PNG and JSON bodies at 1, 16 and 200 concurrent clients, with the machine's load average.
// A soak mode mixes attacks into valid load and checks 0 errors for valid requests, RSS and live tensors.
//   npx tsx bench/serve-load.ts [--model DIR] [--bodies png,json] [--levels 1,16,200] [--seconds 10]
//       [--max-wait-ms 2] [--max-batch 64] [--cpu-prof DIR] [--out FILE]
//       [--variants worker,main] [--rounds 1]
//   --variants: servers started side by side (main: forward passes on the event loop, the default; worker: in a
//   worker thread, --worker); each level runs on each in turn, --rounds times (A/B on the same loaded machine).
//   npx tsx bench/serve-load.ts --soak-seconds 600 [--soak-clients 32] [--model DIR]
// Without --model it trains a small MemAE on Fashion-MNIST class 0 first (about a minute).
// Writes bench/results/serve-load.json (or serve-soak.json).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { loadFashionMnist } from '../packages/memae/src/data/mnist.js';
import { samplePng } from '../packages/memae/src/report/png.js';
import { attackRound, type AttackTally } from './lib/serve-attacks.js';
import { trainServeModel } from './lib/serve-model.js';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const SECONDS = Number(arg('seconds', '10'));
const LEVELS = arg('levels', '1,16,200').split(',').map(Number);
const BODIES = arg('bodies', 'png,json').split(',');
const SOAK = Number(arg('soak-seconds', '0'));
const tmp = mkdtempSync(join(tmpdir(), 'memae-load-'));

async function makeModel(): Promise<string> {
  const dir = join(tmp, 'fmnist');
  await trainServeModel(dir, 512);
  return dir;
}

function startServer(modelDir: string, variant = 'main'): Promise<{ port: number; proc: ChildProcess; stop: () => Promise<number | null> }> {
  const prof = arg('cpu-prof', '');
  const node = prof ? ['--cpu-prof', '--cpu-prof-dir', prof] : [];
  const p = spawn(process.execPath, [...node, 'packages/memae/bin/memae.mjs', 'serve', `fmnist=${modelDir}`, '--port', '0', '--quiet',
    '--max-wait-ms', arg('max-wait-ms', '2'), '--max-batch', arg('max-batch', '64'), '--request-timeout-ms', '5000', ...(variant === 'worker' ? ['--worker'] : [])], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    let exited: number | null | undefined;
    p.on('error', reject);
    p.on('exit', (c, sig) => {
      exited = c ?? -1;
      reject(new Error(`server exited with ${c ?? sig}: ${out}`));
    });
    p.stdout!.on('data', (d) => {
      out += d;
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) {
        resolve({
          port: Number(m[1]), proc: p,
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

interface ServerStats { rssBytes: number; heapBytes: number; tensors: number; tensorBytes: number; meanBatch: number }
async function serverStats(base: string): Promise<ServerStats> {
  const t = await (await fetch(base + '/metrics')).text();
  const g = (name: string) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(t)?.[1] ?? NaN);
  return {
    rssBytes: g('memae_process_resident_memory_bytes'), heapBytes: g('memae_nodejs_heap_size_used_bytes'), tensors: g('memae_tfjs_tensors'),
    tensorBytes: g('memae_tfjs_bytes'), meanBatch: g('memae_batch_samples_sum') / g('memae_batch_samples_count'),
  };
}

interface Level { variant: string; round: number; body: string; clients: number; seconds: number; requests: number; requestsPerSec: number; p50Ms: number; p99Ms: number; maxMs: number; errors: number; non2xx: number; timeouts: number; loadAvg1: number }

/** One autocannon run in its own process. */
function autocannon(url: string, clients: number, seconds: number, type: string, file: string): Promise<Omit<Level, 'variant' | 'round' | 'body' | 'loadAvg1'>> {
  const args = ['bench/lib/autocannon-child.mjs', url, String(clients), String(seconds), type, file];
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`autocannon exited ${code}: ${err.slice(-500)}`));
      const r = JSON.parse(out) as { requests: { average: number; total: number }; latency: Record<string, number>; errors: number; non2xx: number; timeouts: number; duration: number };
      resolve({
        clients, seconds: r.duration, requests: r.requests.total, requestsPerSec: r.requests.average, p50Ms: r.latency.p50, p99Ms: r.latency.p99,
        maxMs: r.latency.max, errors: r.errors, non2xx: r.non2xx, timeouts: r.timeouts,
      });
    });
  });
}

const machine = { cpus: cpus().length, cpu: cpus()[0]?.model, memGiB: totalmem() / 2 ** 30, node: process.version, libtorchThreads: process.env.LIBTORCH_NUM_THREADS ?? '(default)' };
const modelDir = arg('model', '') || (await makeModel());
const test = await loadFashionMnist({ split: 'test', limit: 1 });
const sample = test.gather([0]);
const files: Record<string, { type: string; file: string }> = {
  png: { type: 'image/png', file: join(tmp, 'sample.png') },
  json: { type: 'application/json', file: join(tmp, 'sample.json') },
};
writeFileSync(files.png.file, samplePng(sample, [28, 28, 1]));
writeFileSync(files.json.file, JSON.stringify({ tensor: { shape: [1, 28, 28, 1], data: Array.from(sample) } }));

const VARIANTS = SOAK > 0 ? [arg('variants', 'main')] : arg('variants', 'main').split(',');
const servers = new Map<string, Awaited<ReturnType<typeof startServer>>>();
for (const v of VARIANTS) servers.set(v, await startServer(modelDir, v));
const baseOf = (v: string) => `http://127.0.0.1:${servers.get(v)!.port}`;
const urlOf = (v: string) => `${baseOf(v)}/v1/models/fmnist/score`;
mkdirSync('bench/results', { recursive: true });
try {
  if (SOAK > 0) await soak();
  else await load();
} finally {
  for (const s of servers.values()) await s.stop();
}

async function load(): Promise<void> {
  const rounds = Number(arg('rounds', '1'));
  const before: Record<string, ServerStats> = {};
  for (const v of VARIANTS) {
    await autocannon(urlOf(v), 16, 3, files.png.type, files.png.file); // warm-up, not counted
    before[v] = await serverStats(baseOf(v));
  }
  const levels: Level[] = [];
  console.log('| server | round | body | clients | requests | requests/s | p50 ms | p99 ms | errors | load avg (1 min) |');
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (let round = 0; round < rounds; round++) {
    for (const body of BODIES) {
      for (const c of LEVELS) {
        for (const v of VARIANTS) {
          const r = { variant: v, round, body, ...(await autocannon(urlOf(v), c, SECONDS, files[body].type, files[body].file)), loadAvg1: loadavg()[0] };
          levels.push(r);
          console.log(`| ${v} | ${round} | ${body} | ${c} | ${r.requests} | ${r.requestsPerSec.toFixed(0)} | ${r.p50Ms} | ${r.p99Ms} | ${r.errors + r.non2xx + r.timeouts} | ${r.loadAvg1.toFixed(1)} |`);
        }
      }
    }
  }
  const after: Record<string, ServerStats> = {};
  for (const v of VARIANTS) {
    after[v] = await serverStats(baseOf(v));
    console.log(`server ${v}: tensors ${before[v].tensors} -> ${after[v].tensors}, rss ${(before[v].rssBytes / 2 ** 20).toFixed(0)} -> ${(after[v].rssBytes / 2 ** 20).toFixed(0)} MiB, mean micro-batch ${after[v].meanBatch.toFixed(1)} samples`);
  }
  // ratios of the first variant's answered (2xx) requests over each other one's, per body and level, summed over rounds (same machine, same run)
  const ratios: Record<string, number> = {};
  for (const v of VARIANTS.slice(1)) {
    for (const body of BODIES) {
      for (const c of LEVELS) {
        const sum = (w: string) => levels.filter((l) => l.variant === w && l.body === body && l.clients === c).reduce((a, l) => a + l.requests - l.non2xx - l.errors, 0);
        const k = `${VARIANTS[0]}/${v} ${body} ${c}`;
        ratios[k] = sum(VARIANTS[0]) / sum(v);
        console.log(`requests ${k}: ${ratios[k].toFixed(2)}x`);
      }
    }
  }
  console.log(`load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  const file = arg('out', 'bench/results/serve-load.json');
  writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), command: process.argv.slice(2).join(' '), machine, loadAvgEnd: loadavg(), generator: 'autocannon (own process)', variants: VARIANTS, levels, ratios, before, after }, null, 2) + '\n');
  console.log(`wrote ${file}`);
}

async function soak(): Promise<void> {
  const server = servers.get(VARIANTS[0])!;
  const base = baseOf(VARIANTS[0]);
  const url = urlOf(VARIANTS[0]);
  const clients = Number(arg('soak-clients', '32'));
  await autocannon(url, clients, 5, files.png.type, files.png.file); // warm-up: RSS is measured from here
  const start = await serverStats(base);
  const samples: (ServerStats & { t: number })[] = [];
  const tally: AttackTally = { sent: 0, unexpected: [], kinds: {} };
  let stop = false;
  const valid = autocannon(url, clients, SOAK, files.png.type, files.png.file).finally(() => (stop = true));
  const t0 = performance.now();
  const sampler = (async () => {
    while (!stop) {
      await new Promise((r) => setTimeout(r, 5000));
      samples.push({ t: (performance.now() - t0) / 1000, ...(await serverStats(base)) });
    }
  })();
  while (!stop) await attackRound(server.port, tally);
  const v = await valid;
  await sampler;
  await new Promise((r) => setTimeout(r, 6000)); // slow attack connections time out
  const end = await serverStats(base);
  const maxRss = Math.max(...samples.map((s) => s.rssBytes));
  const wrong = Object.values(tally.kinds).reduce((a, k) => a + k.sent - k.expected, 0);
  const settled = Object.values(tally.kinds).reduce((a, k) => a + k.sent, 0);
  const out = {
    date: new Date().toISOString(), command: process.argv.slice(2).join(' '), machine, loadAvgEnd: loadavg(), seconds: SOAK, clients,
    valid: v, validErrors: v.errors + v.non2xx + v.timeouts, attacks: tally.sent, attacksSettled: settled, attacksUnexpected: wrong, attackKinds: tally.kinds, unexpectedAttackAnswers: tally.unexpected,
    rssStartMiB: start.rssBytes / 2 ** 20, rssEndMiB: end.rssBytes / 2 ** 20, rssMaxMiB: maxRss / 2 ** 20, rssEndOverStart: end.rssBytes / start.rssBytes,
    tensorsStart: start.tensors, tensorsEnd: end.tensors, samples,
  };
  console.log(`soak ${SOAK} s, ${clients} clients of valid PNGs: ${v.requests} requests (${v.requestsPerSec.toFixed(0)}/s, p99 ${v.p99Ms} ms), errors for valid requests ${out.validErrors}`);
  console.log(`attacks mixed in: ${tally.sent} (${settled} settled), answered otherwise than expected: ${wrong}${tally.unexpected.length ? ` (${tally.unexpected.slice(0, 3).join('; ')})` : ''}`);
  console.log('| attack | sent | expected | other status | closed, no answer | no answer by deadline | slowest ms |');
  console.log('|---|---|---|---|---|---|---|');
  for (const [name, k] of Object.entries(tally.kinds)) console.log(`| ${name} | ${k.sent} | ${k.expected} | ${k.otherStatus} | ${k.closedNoAnswer} | ${k.noAnswerByDeadline} | ${k.maxMs} |`);
  console.log(`server RSS ${out.rssStartMiB.toFixed(0)} MiB at start, ${out.rssMaxMiB.toFixed(0)} max, ${out.rssEndMiB.toFixed(0)} at end (${out.rssEndOverStart.toFixed(2)}x); live tensors ${start.tensors} -> ${end.tensors}; load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  const file = arg('out', 'bench/results/serve-soak.json');
  writeFileSync(file, JSON.stringify(out, null, 2) + '\n');
  console.log(`wrote ${file}`);
}
