// Per-collective wall time of a small allreduce between 2 ranks, back to back and with compute (a busy
// loop) or idle time (a timer) between collectives: the fixed cost each extra collective of a step pays.
// Usage (2 ranks): RANK=r WORLD_SIZE=2 MASTER_ADDR=127.0.0.1 MASTER_PORT=p npx tsx bench/profile/collective-wakeup.ts
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../packages/memae/src/backend/select.js';
import { distEnv } from '../../packages/memae/src/distributed/env.js';
import { joinGroup } from '../../packages/memae/src/distributed/group.js';

await initBackend('libtorch');
const g = await joinGroup(distEnv()!, 60000);
const spin = (ms: number) => { const e = performance.now() + ms; while (performance.now() < e); };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
g.allreduce([tf.zeros([1])]); // connections up
for (const [mode, ms, size] of [['spin', 0, 1], ['spin', 0, 20], ['spin', 0, 1000], ['spin', 1, 20], ['spin', 3, 20], ['sleep', 3, 20], ['spin', 0, 1]] as [string, number, number][]) {
  const t = tf.zeros([size]);
  let w = 0;
  const n = 200;
  const c0 = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    if (mode === 'spin') spin(ms); else await sleep(ms);
    const t0 = performance.now(); g.allreduce([t]); w += performance.now() - t0;
  }
  const c = process.cpuUsage(c0);
  console.log(JSON.stringify({ rank: g.rank, between: `${mode} ${ms} ms`, floats: size, msPerAllreduce: +(w / n).toFixed(3), cpuMsPerIteration: +((c.user + c.system) / 1000 / n).toFixed(3) }));
  t.dispose();
}
g.destroy();
