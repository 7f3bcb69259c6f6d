// c10d collectives between real processes on 127.0.0.1: memae ranks, and a memae rank with a PyTorch rank.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { freePort } from '../../src/distributed/launch.js';
import { runRanks, startRank } from './helpers/spawn-ranks.js';

test('two ranks: bucketed allreduce (sum, avg), broadcast, barrier; no tensor leaks', { timeout: 240_000 }, async () => {
  const [a, b] = await runRanks(2, ['collectives']);
  for (const r of [a, b]) {
    const sums = r.sums as number[][];
    // rank r held (r + 1) * (k + 1): the sum over ranks 0 and 1 is 3 * (k + 1)
    sums.slice(0, 40).forEach((s, k) => assert.ok(s.every((v) => v === 3 * (k + 1)), `tensor ${k}: ${s.slice(0, 3)}`));
    assert.ok(sums[40].every((v) => v === 3) && sums[40].length === 1000);
    assert.deepEqual(r.avg, Array(7).fill(2)); // (1 + 3) / 2
    assert.deepEqual(r.broadcast, Array(6).fill(11)); // rank 1's values
    assert.deepEqual(r.untouched, Array(6).fill(r.rank === 0 ? 10 : 11));
    assert.equal(r.leaked, 0);
  }
});

const python = '/usr/bin/python3';
const torchRank = fileURLToPath(new URL('./fixtures/torch_rank.py', import.meta.url));
const noTorch = existsSync(python) && spawnSync(python, ['-c', 'import torch.distributed as d; assert d.is_gloo_available()']).status === 0
  ? false : 'needs /usr/bin/python3 with python3-torch (Debian)';

test('interop: a memae rank and a PyTorch rank (torch.distributed, gloo) allreduce in one group', { skip: noTorch, timeout: 240_000 }, async () => {
  const port = String(await freePort());
  const env = { WORLD_SIZE: '2', MASTER_ADDR: '127.0.0.1', MASTER_PORT: port };
  const memae = startRank(['collectives-torch'], { ...env, RANK: '0' });
  const py = spawn(python, [torchRank], { env: { ...process.env, ...env, RANK: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let pyOut = '', pyErr = '';
  py.stdout.on('data', (d) => (pyOut += d));
  py.stderr.on('data', (d) => (pyErr += d));
  const pyCode = await new Promise<number | null>((resolve) => py.on('close', resolve));
  const m = await memae.done;
  assert.equal(m.code, 0, m.stderr);
  assert.equal(pyCode, 0, pyErr);
  // rank r contributes [1, 2, 3] * (r + 1) and arange(1000) * (r + 1)
  assert.deepEqual(JSON.parse(m.stdout.trim().split('\n').at(-1)!), { rank: 0, small: [3, 6, 9], bigSum: 1498500 });
  assert.equal(pyOut.trim(), 'torch 1 [3.0, 6.0, 9.0] 1498500.0');
});
