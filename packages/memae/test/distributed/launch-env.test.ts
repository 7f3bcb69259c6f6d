// `--nproc` workers get torchrun's environment and their share of the cores for libtorch's and OpenMP's thread
// pools; OpenBLAS's is left to the addon, which gives it one thread when it loads (test/blas-threads.test.ts there).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { launchWorkers } from '../../src/distributed/launch.js';

const dump = "require('fs').writeFileSync(process.env.DUMP_TO + process.env.RANK, JSON.stringify(process.env))";

async function envs(nproc: number, env: Record<string, string | undefined>): Promise<Record<string, string>[]> {
  const dir = mkdtempSync(join(tmpdir(), 'memae-launch-'));
  const saved = { ...process.env };
  Object.assign(process.env, { DUMP_TO: join(dir, 'env') });
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
  try {
    const code = await launchWorkers({ nproc, nnodes: 1, nodeRank: 0, masterAddr: '127.0.0.1', masterPort: 0, argv: [process.execPath, '-e', dump], execArgv: [] });
    assert.equal(code, 0);
  } finally {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  }
  return Array.from({ length: nproc }, (_, r) => JSON.parse(readFileSync(join(dir, `env${r}`), 'utf8')));
}

test('each worker: torchrun variables, and LIBTORCH / OMP threads set to its share; OPENBLAS left to the addon', async () => {
  const es = await envs(2, { LIBTORCH_NUM_THREADS: '3', OMP_NUM_THREADS: undefined, OPENBLAS_NUM_THREADS: undefined });
  es.forEach((e, r) => {
    assert.deepEqual([e.RANK, e.LOCAL_RANK, e.WORLD_SIZE, e.MASTER_ADDR], [String(r), String(r), '2', '127.0.0.1']);
    assert.ok(Number(e.MASTER_PORT) > 0);
    assert.deepEqual([e.LIBTORCH_NUM_THREADS, e.OMP_NUM_THREADS, e.OPENBLAS_NUM_THREADS], ['3', '3', undefined]);
  });
});

test('a thread count the user set for OpenMP or OpenBLAS is kept', async () => {
  const [e] = await envs(1, { LIBTORCH_NUM_THREADS: '2', OMP_NUM_THREADS: '5', OPENBLAS_NUM_THREADS: '4' });
  assert.deepEqual([e.LIBTORCH_NUM_THREADS, e.OMP_NUM_THREADS, e.OPENBLAS_NUM_THREADS], ['2', '5', '4']);
});
