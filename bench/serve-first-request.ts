// Latency of a fresh `memae serve`'s first requests, with and without the load-time warm-up (serve/warm-up.ts):
// the real command in a child process, one JSON instance per request, sequential. Alternates the two variants.
//   npx tsx bench/serve-first-request.ts [--rounds 5] [--requests 20] [--worker] [--name serve-first-request]
// Trains a small image MemAE on Fashion-MNIST class 0 first (a few seconds). Writes bench/results/<name>.{json,md}.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchArgs } from './lib/args.js';
import { markdownTable, writeResults } from './lib/results.js';
import { trainServeModel } from './lib/serve-model.js';

const { values: a } = benchArgs(import.meta.url, {
  options: {
    rounds: { type: 'string', default: '5' },
    requests: { type: 'string', default: '20' },
    worker: { type: 'boolean', default: false },
    name: { type: 'string', default: 'serve-first-request' },
  },
});
const ROUNDS = Number(a.rounds), REQUESTS = Number(a.requests);
const BIN = join(import.meta.dirname, '..', 'packages', 'memae', 'bin', 'memae.mjs');

async function makeModel(): Promise<{ dir: string; body: string }> {
  const dir = join(mkdtempSync(join(tmpdir(), 'memae-first-')), 'model');
  const test = await trainServeModel(dir, 128);
  // one test image as the service's JSON instance, flat, in the model's input range (a model without preprocessing)
  return { dir, body: JSON.stringify({ instances: [Array.from(test.gather([0]))] }) };
}

/** Starts the service, times `REQUESTS` sequential requests (ms each), stops it. */
async function round(dir: string, body: string, warm: boolean): Promise<number[]> {
  const args = ['serve', `m=${dir}`, '--port', '0', '--quiet', ...(a.worker ? ['--worker'] : []), ...(warm ? [] : ['--no-warm-up'])];
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (b: Buffer) => {
        out += b.toString();
        const m = /listening on (\S+) with/.exec(out);
        if (m) resolve(m[1]);
      });
      child.once('exit', (c) => reject(new Error(`memae serve exited with ${c}`)));
    });
    const times: number[] = [];
    for (let i = 0; i < REQUESTS; i++) {
      const t0 = performance.now();
      const r = await fetch(`${url}/v1/models/m/score`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      if (!r.ok) throw new Error(`request ${i}: HTTP ${r.status} ${await r.text()}`);
      await r.json();
      times.push(performance.now() - t0);
    }
    return times;
  } finally {
    child.kill('SIGTERM');
  }
}

const { dir, body } = await makeModel();
const runs: { warm: boolean; round: number; ms: number[] }[] = [];
const load0 = loadavg()[0];
for (let r = 0; r < ROUNDS; r++) {
  for (const warm of r % 2 === 0 ? [true, false] : [false, true]) {
    const ms = await round(dir, body, warm);
    runs.push({ warm, round: r, ms });
    console.log(`round ${r} ${warm ? 'warm-up' : 'no warm-up'}: first ${ms[0].toFixed(1)} ms, second ${ms[1].toFixed(1)}, median of the rest ${median(ms.slice(2)).toFixed(1)}`);
  }
}
function median(v: number[]): number {
  const s = [...v].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}
const row = (warm: boolean) => {
  const rs = runs.filter((r) => r.warm === warm);
  return [warm ? 'warm-up at load (default)' : '--no-warm-up', `${median(rs.map((r) => r.ms[0])).toFixed(1)} (${rs.map((r) => r.ms[0].toFixed(1)).join(', ')})`,
    median(rs.map((r) => r.ms[1])).toFixed(1), median(rs.flatMap((r) => r.ms.slice(2))).toFixed(1)];
};
const md = `# First requests of a fresh \`memae serve\`${a.worker ? ' --worker' : ''}\n\n` +
  `Small image MemAE (28x28x1), one JSON instance per request, ${REQUESTS} sequential requests per server start, ${ROUNDS} starts per variant (alternating); load average ${load0.toFixed(1)} -> ${loadavg()[0].toFixed(1)}. Milliseconds, client-side wall time.\n\n` +
  markdownTable(['variant', 'first request, median (each)', 'second request, median', 'requests 3+, median'], [row(true), row(false)]) +
  `\nCommand: \`npx tsx bench/serve-first-request.ts ${process.argv.slice(2).join(' ')}\`\n`;
const out = writeResults(a.name!, { args: a, runs }, md);
console.log(`\n${md}\nwrote ${out.json} and ${out.md}`);
