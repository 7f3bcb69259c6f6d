// The distributed sampler and the launch environment (no processes).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { shardOf } from '../../src/distributed/sampler.js';
import { distEnv } from '../../src/distributed/env.js';
import { batches, epochPermutation } from '../../src/train/shuffle.js';
import { UserError } from '../../src/errors/user-error.js';

test('shards of every batch of an epoch are disjoint, cover it in order, and differ in size by at most one', () => {
  for (const world of [1, 2, 3, 8]) {
    for (const batch of batches(epochPermutation(203, 4, 2), 64)) {
      const parts = Array.from({ length: world }, (_, r) => shardOf(batch, r, world));
      assert.deepEqual(parts.flat(), batch);
      const sizes = parts.map((p) => p.length);
      assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, `sizes ${sizes}`);
    }
  }
  // a batch smaller than the world: the last ranks get nothing
  assert.deepEqual([0, 1, 2].map((r) => shardOf([7, 9], r, 3)), [[7], [9], []]);
});

test('torchrun / Kubernetes / Slurm environment', () => {
  assert.equal(distEnv({}), undefined);
  assert.deepEqual(distEnv({ RANK: '3', WORLD_SIZE: '4', LOCAL_RANK: '1', MASTER_ADDR: 'node0', MASTER_PORT: '1234' }),
    { rank: 3, worldSize: 4, localRank: 1, masterAddr: 'node0', masterPort: 1234, agentStore: false, storePrefix: '' });
  assert.deepEqual(distEnv({ RANK: '0', WORLD_SIZE: '2', TORCHELASTIC_USE_AGENT_STORE: 'True', TORCHELASTIC_RESTART_COUNT: '2' }),
    { rank: 0, worldSize: 2, localRank: 0, masterAddr: '127.0.0.1', masterPort: 29500, agentStore: true, storePrefix: '/worker/attempt_2' });
  assert.equal(distEnv({ SLURM_NTASKS: '4', SLURM_PROCID: '2', SLURM_LOCALID: '0', MASTER_ADDR: 'n1' })?.rank, 2);
  assert.throws(() => distEnv({ RANK: '2', WORLD_SIZE: '2' }), (e: Error) => e instanceof UserError && /RANK 2 is outside WORLD_SIZE 2/.test(e.message));
  assert.throws(() => distEnv({ RANK: 'x', WORLD_SIZE: '2' }), /RANK must be an integer/);
  assert.throws(() => distEnv({ RANK: '0', WORLD_SIZE: '2', MASTER_PORT: '70000' }), /MASTER_PORT must be an integer 1\.\.65535/);
});
