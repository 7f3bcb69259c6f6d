// Data-parallel speed: samples/s of 2 processes x 1 thread vs 1 process x 1 thread, memae (c10d/Gloo through
// tfjs-backend-libtorch) and PyTorch DDP (gloo) with the same processes, models, global batch and threads, in the
// same run; the per-step allreduce cost and payload; a scaling estimate to 8 and 64 workers from those figures.
// Models: the engine reference model (bench/reference-model.ts, 28x28 images) and the official 3D MemAE (video).
// Usage: npx tsx bench/distributed.ts [--models image,video] [--image-steps 15] [--video-steps 3] [--video-size 64]
//        [--rounds 1] [--name distributed]   (writes bench/results/<name>.json and .md)
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { freePort } from '../packages/memae/src/distributed/launch.js';
import { markdownTable, writeResults } from './lib/results.js';

const { values: a } = parseArgs({
  options: {
    models: { type: 'string', default: 'image,video' },
    'image-batch': { type: 'string', default: '64' },
    'image-steps': { type: 'string', default: '15' },
    'video-batch': { type: 'string', default: '2' },
    'video-steps': { type: 'string', default: '3' },
    'video-size': { type: 'string', default: '64' },
    rounds: { type: 'string', default: '1' },
    python: { type: 'string', default: '/usr/bin/python3' },
    name: { type: 'string', default: 'distributed' },
  },
});

type Engine = 'memae' | 'pytorch';
interface WorkerOut { samplesPerSec: number; seconds: number; params: number; reduceMsPerStep?: number; payloadBytesPerStep?: number; reduceOnlyMs?: number | null; rank: number }

function runOne(engine: Engine, args: string[], env: Record<string, string>): Promise<WorkerOut> {
  const cmd = engine === 'memae' ? [process.execPath, '--import', 'tsx', 'bench/distributed-worker.ts'] : [String(a.python), 'bench/distributed_torch.py'];
  return new Promise((resolve, reject) => {
    const p = spawn(cmd[0], [...cmd.slice(1), ...args], { env: { ...process.env, LIBTORCH_NUM_THREADS: '1', OMP_NUM_THREADS: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.on('close', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').at(-1)!)) : reject(new Error(`${engine} worker exited ${code}: ${err.slice(-2000)}`))));
  });
}

/** n processes of one engine; the group's figures are rank 0's (samples/s of the global batch). */
async function run(engine: Engine, n: number, args: string[]): Promise<WorkerOut> {
  if (n === 1) return runOne(engine, args, {});
  const port = String(await freePort());
  const outs = await Promise.all(Array.from({ length: n }, (_, r) => runOne(engine, args, { RANK: String(r), WORLD_SIZE: String(n), MASTER_ADDR: '127.0.0.1', MASTER_PORT: port })));
  return outs[0];
}

const models = String(a.models).split(',');
const rows: Record<string, unknown>[] = [];
for (const model of models) {
  const args = model === 'image'
    ? ['--model', 'image', '--batch', String(a['image-batch']), '--steps', String(a['image-steps']), '--warmup', '3']
    : ['--model', 'video', '--batch', String(a['video-batch']), '--steps', String(a['video-steps']), '--warmup', '1', '--size', String(a['video-size'])];
  for (let round = 0; round < Number(a.rounds); round++) {
    const load0 = loadavg()[0];
    // interleaved so that a change of the machine's load hits both engines alike
    const m1 = await run('memae', 1, args);
    const t1 = await run('pytorch', 1, args);
    const m2 = await run('memae', 2, args);
    const t2 = await run('pytorch', 2, args);
    const load1 = loadavg()[0];
    const row = {
      model, round, globalBatch: Number(model === 'image' ? a['image-batch'] : a['video-batch']), params: m1.params,
      memae1: m1.samplesPerSec, memae2: m2.samplesPerSec, memaeSpeedup: m2.samplesPerSec / m1.samplesPerSec,
      torch1: t1.samplesPerSec, torch2: t2.samplesPerSec, torchSpeedup: t2.samplesPerSec / t1.samplesPerSec,
      memaeVsDdp: m2.samplesPerSec / t2.samplesPerSec,
      memaeReduceMsPerStep: m2.reduceMsPerStep, payloadBytesPerStep: m2.payloadBytesPerStep,
      memaeReduceOnlyMs: m2.reduceOnlyMs, torchReduceOnlyMs: t2.reduceOnlyMs, loadAvg: [load0, load1],
    };
    rows.push(row);
    console.log(JSON.stringify(row));
  }
}

// Scaling estimate (ring allreduce: each rank sends and receives 2 (n-1)/n of the payload S, in 2 (n-1) steps):
// step(n) = compute(per-rank batch) + 2 (n-1)/n S / bw + 2 (n-1) alpha; compute linear in the batch, from 1 process.
// Two networks: the loopback measured here (bw from the 2-rank allreduce, alpha 0) and 10 GbE (1.25 GB/s, 50 us).
function estimate(r: Record<string, unknown>, n: number, net: { bw: number; alpha: number }) {
  const B = r.globalBatch as number, S = (r.params as number) * 4;
  const perSample = 1 / (r.memae1 as number); // seconds per sample, one process
  const ar = (2 * (n - 1) / n) * S / net.bw + 2 * (n - 1) * net.alpha;
  const b = B / 2; // weak scaling: the per-rank batch measured with 2 ranks
  const weak = (n * b) / (b * perSample + ar);
  const strong = B / ((B / n) * perSample + ar);
  return { workers: n, weakSamplesPerSec: weak, weakEfficiency: weak / (n / perSample), strongSamplesPerSec: strong, strongEfficiency: strong / (n / perSample), allreduceMs: ar * 1000 };
}
const estimates = rows.filter((r) => r.round === 0).map((r) => {
  const S = (r.params as number) * 4;
  const loopbackBw = S / (((r.memaeReduceOnlyMs as number) ?? 1) / 1000);
  return {
    model: r.model,
    loopback: [8, 64].map((n) => estimate(r, n, { bw: loopbackBw, alpha: 0 })),
    tenGbE: [8, 64].map((n) => estimate(r, n, { bw: 1.25e9, alpha: 50e-6 })),
  };
});

const f = (v: unknown, d = 2) => (typeof v === 'number' ? v.toFixed(d) : String(v));
const md = `# Data-parallel training: 2 processes x 1 thread vs 1 process x 1 thread\n\nCommand: \`npx tsx bench/distributed.ts ${process.argv.slice(2).join(' ')}\`\n\n` + markdownTable(
  ['model', 'batch', 'memae 1p', 'memae 2p', 'speedup', 'DDP 1p', 'DDP 2p', 'DDP speedup', 'memae/DDP (2p)', 'allreduce ms/step', 'payload MB/step', 'load avg'],
  rows.map((r) => [String(r.model), String(r.globalBatch), f(r.memae1), f(r.memae2), f(r.memaeSpeedup), f(r.torch1), f(r.torch2), f(r.torchSpeedup), f(r.memaeVsDdp), f(r.memaeReduceMsPerStep, 1), f((r.payloadBytesPerStep as number) / 1e6, 2), (r.loadAvg as number[]).map((v) => v.toFixed(1)).join(' -> ')]),
) + '\nScaling estimate (samples/s, efficiency vs n x one process):\n\n' + markdownTable(
  ['model', 'network', 'workers', 'weak samples/s', 'weak eff.', 'strong samples/s', 'strong eff.', 'allreduce ms'],
  estimates.flatMap((e) => (['loopback', 'tenGbE'] as const).flatMap((net) => e[net].map((x) => [String(e.model), net, String(x.workers), f(x.weakSamplesPerSec), f(x.weakEfficiency), f(x.strongSamplesPerSec), f(x.strongEfficiency), f(x.allreduceMs, 1)]))),
);
const files = writeResults(String(a.name), { command: `npx tsx bench/distributed.ts ${process.argv.slice(2).join(' ')}`, cores: (await import('node:os')).availableParallelism(), rows, estimates }, md);
console.log(md);
console.log(`wrote ${files.json} and ${files.md}`);
