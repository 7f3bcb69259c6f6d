// Data-parallel speed: samples/s of 2 processes x 1 thread vs 1 process x 1 thread, memae (c10d/Gloo through
// tfjs-backend-libtorch) and PyTorch DDP (gloo) with the same processes, models, batch and threads in the same
// run, interleaved; per-rank stage times (forward+backward, allreduce incl. waiting, optimizer) in wall and CPU
// time; the allreduce cost alone and a 1-float allreduce's latency; a ring-allreduce estimate to 8 and 64 workers.
// Scaling: strong = the global batch split across the ranks (the same trajectory as one process), weak = each
// rank keeps the one-process batch (DDP's usual throughput figure).
// Models: the engine reference model (bench/reference-model.ts, 28x28 images; tfjs-layers' batch norm), the image
// MemAE (memae-image: memae's batch norm, 28x28) and the official 3D MemAE (video).
// The ceiling: the same 2 processes' work run at once without a group (each on its per-rank batch, no exchange):
// what the machine's 2 cores give 2 independent jobs, so no data-parallel run can beat it (where the 2 vCPUs share
// one core's vector units it is far below 2x). --skip-ceiling leaves it out.
// --sync-bn: memae's 2 processes also run with synchronised batch norm (memae-image, video), interleaved with the
// local-batch-norm run (the order alternates by round), for the ratio of the two.
// Usage: npx tsx bench/distributed.ts [--models image,memae-image,video] [--scaling strong,weak] [--image-steps 30]
//        [--video-steps 3] [--video-size 64] [--rounds 1] [--engines memae,pytorch] [--pin] [--sync-bn] [--skip-ceiling]
//        [--netns] (ranks in two network namespaces: sudo bash bench/distributed-netns.sh up first)
//        [--name distributed]   (writes bench/results/<name>.json and .md after every row)
import { spawn } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { benchArgs } from './lib/args.js';
import { freePort } from '../packages/memae/src/distributed/launch.js';
import { estimates, type Fit } from './lib/ring-estimate.js';
import { markdownTable, writeResults } from './lib/results.js';

const { values: a } = benchArgs(import.meta.url, {
  options: {
    models: { type: 'string', default: 'image,video' },
    scaling: { type: 'string', default: 'strong,weak' },
    engines: { type: 'string', default: 'memae,pytorch' },
    // a worker that has not finished by then is killed and named (a PyTorch 1-process run once sat in a futex wait)
    'worker-timeout': { type: 'string', default: '600' },
    'image-batch': { type: 'string', default: '64' },
    'image-steps': { type: 'string', default: '30' },
    'video-batch': { type: 'string', default: '2' },
    'video-steps': { type: 'string', default: '3' },
    'video-size': { type: 'string', default: '64' },
    rounds: { type: 'string', default: '1' },
    pin: { type: 'boolean', default: false },
    'sync-bn': { type: 'boolean', default: false },
    'skip-ceiling': { type: 'boolean', default: false },
    netns: { type: 'boolean', default: false },
    python: { type: 'string', default: '/usr/bin/python3' },
    name: { type: 'string', default: 'distributed' },
  },
});

type Engine = 'memae' | 'pytorch';
interface Stage { wall: number; cpu: number }
interface WorkerOut {
  samplesPerSec: number; seconds: number; params: number; rank: number; reduceMsPerStep?: number; payloadBytesPerStep?: number;
  collectivesPerStep?: number; syncBnMsPerStep?: number; reduceOnlyMs?: number | null; latencyMs?: number | null; latencyCpuMs?: number | null; stagesMs?: Record<string, Stage>; threadCpuMs?: Record<string, number>;
}
// --netns: rank r runs in namespace memae-ns<r> (bench/distributed-netns.sh), rank 0 serves the store on its veth
const NS_ADDR = ['10.77.0.1', '10.77.0.2'];

function runOne(engine: Engine, args: string[], env: Record<string, string>, rank: number | undefined): Promise<WorkerOut> {
  let cmd = engine === 'memae' ? [process.execPath, '--import', 'tsx', 'bench/distributed-worker.ts'] : [String(a.python), 'bench/distributed_torch.py'];
  if (a.pin) cmd = ['taskset', '-c', String((rank ?? 0) % availableParallelism()), ...cmd];
  if (a.netns && rank !== undefined) cmd = ['ip', 'netns', 'exec', `memae-ns${rank}`, ...cmd];
  return new Promise((resolve, reject) => {
    const p = spawn(cmd[0], [...cmd.slice(1), ...args], { env: { ...process.env, LIBTORCH_NUM_THREADS: '1', OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    const limit = Number(a['worker-timeout']) * 1000;
    const timer = setTimeout(() => { err += `\nkilled after --worker-timeout ${a['worker-timeout']} s`; p.kill('SIGKILL'); }, limit);
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.on('close', (code) => (clearTimeout(timer), code === 0 ? resolve(JSON.parse(out.trim().split('\n').at(-1)!)) : reject(new Error(`${engine} worker exited ${code}: ${err.slice(-2000)}`))));
  });
}

/** n processes of one engine; every rank's figures (samples/s of the group are rank 0's). */
async function run(engine: Engine, n: number, args: string[]): Promise<WorkerOut[]> {
  if (n === 1) return [await runOne(engine, args, {}, undefined)];
  const port = String(await freePort());
  const master = a.netns ? NS_ADDR[0] : '127.0.0.1';
  return Promise.all(Array.from({ length: n }, (_, r) => runOne(engine, args, {
    RANK: String(r), WORLD_SIZE: String(n), MASTER_ADDR: master, MASTER_PORT: port, ...(a.netns ? { GLOO_SOCKET_IFNAME: `memae-veth${r}` } : {}),
  }, r)));
}

/** 2 processes of one engine at once, each alone (no group): their summed samples/s. */
async function independent(engine: Engine, args: string[]): Promise<number> {
  const ws = await Promise.all([0, 1].map((r) => runOne(engine, args, {}, r)));
  return ws.reduce((s, w) => s + w.samplesPerSec, 0);
}

const list = (s: unknown) => String(s).split(',').filter(Boolean);
const engines = list(a.engines) as Engine[];
const rows: Record<string, unknown>[] = [];
const fits: Fit[] = [];
const command = `npx tsx bench/distributed.ts ${process.argv.slice(2).join(' ')}`;
const f = (v: unknown, d = 2) => (typeof v === 'number' ? v.toFixed(d) : '-');
const stageText = (s?: Record<string, Stage>) => (s ? Object.entries(s).filter(([, v]) => v.wall > 0.05).map(([k, v]) => `${k} ${v.wall.toFixed(1)}/${v.cpu.toFixed(1)}`).join(', ') : '-');

function save(): void {
  const md = `# Data-parallel training: 2 processes x 1 thread vs 1 process x 1 thread\n\nCommand: \`${command}\`\n\n` + markdownTable(
    ['model', 'scaling', 'round', 'batch 1p / per rank', 'memae 1p', 'memae 2p', 'speedup', 'speedup from CPU time', 'ceiling: 2 alone / 1p', 'DDP 1p', 'DDP 2p', 'DDP speedup', 'DDP ceiling', 'memae/DDP (2p)', 'collectives/step', 'payload MB/step', 'load avg'],
    rows.map((r) => [String(r.model), String(r.scaling), String(r.round), `${r.batch1} / ${r.perRank}`, f(r.memae1), f(r.memae2), f(r.memaeSpeedup), f(r.memaeCpuSpeedup), f(r.memaeCeiling), f(r.torch1), f(r.torch2), f(r.torchSpeedup), f(r.torchCeiling), f(r.memaeVsDdp), f(r.collectivesPerStep, 0), f((r.payloadBytesPerStep as number) / 1e6, 2), (r.loadAvg as number[]).map((v) => v.toFixed(1)).join(' -> ')]),
  ) + '\nmemae per-step stages, ms wall/CPU (CPU time is the work; wall minus CPU is waiting for the core or the peer):\n\n' + markdownTable(
    ['model', 'scaling', '1 process', 'rank 0 of 2', 'rank 1 of 2', 'allreduce alone ms', '1-float allreduce ms'],
    rows.map((r) => [String(r.model), String(r.scaling), stageText(r.stages1 as Record<string, Stage>), stageText((r.stages2 as Record<string, Stage>[])?.[0]), stageText((r.stages2 as Record<string, Stage>[])?.[1]), f(r.memaeReduceOnlyMs, 1), f(r.memaeLatencyMs, 3)]),
  ) + (fits.length ? '\nRing-allreduce estimate (per-rank CPU step time fitted as fixed + per-sample from this run; samples/s and efficiency vs n x one process):\n\n' + markdownTable(
    ['model', 'network', 'workers', 'weak samples/s', 'weak eff.', 'strong samples/s', 'strong eff.', 'allreduce ms'],
    estimates(fits).map((e) => [e.model, e.network, String(e.workers), f(e.weakSamplesPerSec), f(e.weakEfficiency), f(e.strongSamplesPerSec), f(e.strongEfficiency), f(e.allreduceMs, 2)]),
  ) : '') + (rows.some((r) => r.memae2Sync !== undefined) ? '\nSynchronised batch norm (memae, 2 processes, interleaved with the local-batch-norm run; CPU = the slower rank\'s CPU ms per step):\n\n' + markdownTable(
    ['model', 'scaling', 'round', 'local BN samples/s', 'sync BN samples/s', 'sync / local', 'CPU ms/step local', 'CPU ms/step sync', 'CPU ratio', 'collectives/step local, sync', 'sync BN collectives ms/step (wall, incl. waits)', '1-float allreduce ms wall / CPU'],
    rows.filter((r) => r.memae2Sync !== undefined).map((r) => [String(r.model), String(r.scaling), String(r.round), f(r.memae2), f(r.memae2Sync), f(r.syncBnRatio, 3), f(r.cpu2, 1), f(r.cpu2Sync, 1), f(r.syncBnCpuRatio, 3), `${f(r.collectivesPerStep, 0)}, ${f(r.syncCollectivesPerStep, 0)}`, f(r.syncBnMsPerStep, 2), `${f(r.syncLatencyMs, 3)} / ${f(r.syncLatencyCpuMs, 3)}`]),
  ) : '');
  const files = writeResults(String(a.name), { command, cores: availableParallelism(), pin: a.pin, netns: a.netns, rows, fits, estimates: estimates(fits) }, md);
  console.error(`wrote ${files.json}`);
  if (rows.length) console.log(md);
}

for (const model of list(a.models)) {
  const image = model === 'image' || model === 'memae-image';
  const B = Number(image ? a['image-batch'] : a['video-batch']);
  const common = image
    ? ['--model', model, '--steps', String(a['image-steps']), '--warmup', '3']
    : ['--model', 'video', '--steps', String(a['video-steps']), '--warmup', '1', '--size', String(a['video-size'])];
  for (let round = 0; round < Number(a.rounds); round++) {
    for (const scaling of list(a.scaling)) {
      // strong: global batch B (B/2 per rank); weak: B per rank (global 2B) against B in one process
      const b2 = scaling === 'strong' ? B : 2 * B;
      const args1 = [...common, '--batch', String(B)], args2 = [...common, '--batch', String(b2)];
      const load0 = loadavg()[0];
      // interleaved so that a change of the machine's load hits both engines alike
      const m1 = engines.includes('memae') ? (await run('memae', 1, args1))[0] : undefined;
      // PyTorch's side has no image MemAE (distributed_torch.py: the reference model and the video model)
      const torch = engines.includes('pytorch') && model !== 'memae-image';
      const t1 = torch ? (await run('pytorch', 1, args1))[0] : undefined;
      // --sync-bn: the same 2 processes with synchronised batch norm, before or after the local run by round
      const syncBn = a['sync-bn'] && engines.includes('memae') && model !== 'image';
      const m2sFirst = syncBn && round % 2 === 1 ? await run('memae', 2, [...args2, '--sync-bn']) : undefined;
      const m2 = engines.includes('memae') ? await run('memae', 2, args2) : undefined;
      const m2s = m2sFirst ?? (syncBn ? await run('memae', 2, [...args2, '--sync-bn']) : undefined);
      const t2 = torch ? (await run('pytorch', 2, args2))[0] : undefined;
      // the ceiling: the ranks' work as 2 independent processes at once (per-rank batch, no group)
      const perRankArgs = [...common, '--batch', String(b2 / 2)];
      const ceiling = !a['skip-ceiling'];
      const m2alone = ceiling && m1 ? await independent('memae', perRankArgs) : undefined;
      const t2alone = ceiling && t1 ? await independent('pytorch', perRankArgs) : undefined;
      // the fixed + per-sample split of a step, from 1-process CPU time at B and the ranks' at b2 / 2
      const m1h = scaling === 'strong' && image && m1 ? (await run('memae', 1, [...common, '--batch', String(B / 2)]))[0] : undefined;
      const row = {
        model, scaling, round, batch1: B, perRank: b2 / 2, params: m1?.params ?? t1?.params,
        memae1: m1?.samplesPerSec, memae2: m2?.[0].samplesPerSec, memaeSpeedup: m1 && m2 ? m2[0].samplesPerSec / m1.samplesPerSec : undefined,
        torch1: t1?.samplesPerSec, torch2: t2?.samplesPerSec, torchSpeedup: t1 && t2 ? t2.samplesPerSec / t1.samplesPerSec : undefined,
        memae2Alone: m2alone, torch2Alone: t2alone,
        memaeCeiling: m1 && m2alone ? m2alone / m1.samplesPerSec : undefined, torchCeiling: t1 && t2alone ? t2alone / t1.samplesPerSec : undefined,
        memaeVsDdp: m2 && t2 ? m2[0].samplesPerSec / t2.samplesPerSec : undefined,
        memaeCpuSpeedup: m1 && m2 ? cpuSpeedup(m1, m2, b2 / B) : undefined,
        collectivesPerStep: m2?.[0].collectivesPerStep, payloadBytesPerStep: m2?.[0].payloadBytesPerStep, memaeReduceMsPerStep: m2?.[0].reduceMsPerStep,
        memaeReduceOnlyMs: m2?.[0].reduceOnlyMs, memaeLatencyMs: m2?.[0].latencyMs, torchReduceOnlyMs: t2?.reduceOnlyMs,
        stages1: m1?.stagesMs, stages2: m2?.map((w) => w.stagesMs), stages1Half: m1h?.stagesMs,
        threadCpuMs2: m2?.map((w) => w.threadCpuMs),
        memae2Sync: m2s?.[0].samplesPerSec, syncBnRatio: m2 && m2s ? m2s[0].samplesPerSec / m2[0].samplesPerSec : undefined,
        cpu2: m2 ? slowerCpu(m2) : undefined, cpu2Sync: m2s ? slowerCpu(m2s) : undefined,
        syncBnCpuRatio: m2 && m2s ? slowerCpu(m2s) / slowerCpu(m2) : undefined,
        syncCollectivesPerStep: m2s?.[0].collectivesPerStep, syncBnMsPerStep: m2s?.[0].syncBnMsPerStep, syncLatencyMs: m2s?.[0].latencyMs, syncLatencyCpuMs: m2s?.[0].latencyCpuMs, stages2Sync: m2s?.map((w) => w.stagesMs),
        loadAvg: [load0, loadavg()[0]],
      };
      rows.push(row);
      if (m1 && m2 && round === 0 && scaling === 'strong') fits.push(fitOf(model, scaling, B, m1, m1h, m2[0]));
      console.error(JSON.stringify({ model, scaling, round, memaeSpeedup: row.memaeSpeedup, memaeCeiling: row.memaeCeiling, torchSpeedup: row.torchSpeedup, torchCeiling: row.torchCeiling, memaeVsDdp: row.memaeVsDdp, syncBnRatio: row.syncBnRatio, syncBnCpuRatio: row.syncBnCpuRatio }));
      save(); // after every row: an interrupted run keeps what it measured
    }
  }
}

/** The slower rank's CPU ms per step (all stages). */
function slowerCpu(ws: WorkerOut[]): number {
  return Math.max(...ws.map((w) => Object.values(w.stagesMs ?? {}).reduce((s, v) => s + v.cpu, 0)));
}

/**
 * The speedup 2 free cores would give, from CPU time (robust to a loaded machine): one process's CPU per
 * sample over the slower rank's CPU per step plus the exchange alone (its wall time, on the wire).
 */
function cpuSpeedup(m1: WorkerOut, m2: WorkerOut[], globalRatio: number): number {
  return (globalRatio * slowerCpu([m1])) / (slowerCpu(m2) + (m2[0].reduceOnlyMs ?? 0));
}

/** Step cost model of one configuration: CPU ms per step = fixed + perSample x batch, and the measured exchange. */
function fitOf(model: string, scaling: string, B: number, m1: WorkerOut, m1h: WorkerOut | undefined, r0: WorkerOut): Fit {
  const cpu = (w?: WorkerOut) => (w?.stagesMs && Object.keys(w.stagesMs).length ? Object.values(w.stagesMs).reduce((s, v) => s + v.cpu, 0) : 1000 * w!.seconds / Number(model === 'video' ? a['video-steps'] : a['image-steps']));
  const full = cpu(m1);
  // without a half-batch probe (video: batch 1 per rank is the smallest), all of the step is taken as per-sample
  const half = m1h ? cpu(m1h) : full / 2;
  const perSample = (full - half) / (B / 2), fixed = Math.max(0, full - perSample * B);
  return { model: `${model} (${scaling})`, batch: B, fixedMs: fixed, perSampleMs: perSample, bytes: (m1.params ?? 0) * 4, reduceOnlyMs: r0.reduceOnlyMs ?? undefined, latencyMs: r0.latencyMs ?? undefined };
}
