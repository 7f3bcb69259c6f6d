// OpenBLAS's own thread pool gets one thread (Debian's libtorch links the pthreads OpenBLAS, which otherwise starts
// one thread per core beside libtorch's pool), unless the user set OPENBLAS_NUM_THREADS. Checked in child processes:
// the pool is sized when the library loads, once per process.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const entry = fileURLToPath(new URL('../src/index.ts', import.meta.url));

function blasThreadsAfterLoad(env: Record<string, string | undefined>): string {
  const script = `import { registerLibtorchBackend } from ${JSON.stringify(entry)};
    registerLibtorchBackend(); console.log(String(process.env.OPENBLAS_NUM_THREADS));`;
  const base = { ...process.env };
  delete base.OPENBLAS_NUM_THREADS;
  delete base.LIBTORCH_NUM_THREADS;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { env: { ...base, ...env }, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

test('OpenBLAS gets one thread whatever libtorch has; a count the user set is kept', () => {
  assert.equal(blasThreadsAfterLoad({}), '1');
  assert.equal(blasThreadsAfterLoad({ LIBTORCH_NUM_THREADS: '2' }), '1');
  assert.equal(blasThreadsAfterLoad({ LIBTORCH_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '2' }), '2');
});
