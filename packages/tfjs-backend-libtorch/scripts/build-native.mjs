// Builds the N-API addon against libtorch. Never fails the npm install: without libtorch the
// package still installs (tfjs' cpu backend keeps working) and loading the backend explains what is missing.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findLibtorch } from './find-libtorch.mjs';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
const force = process.argv.includes('--force');
const lib = findLibtorch();
if (!lib) {
  console.warn('tfjs-backend-libtorch: libtorch not found: install libtorch-dev or set LIBTORCH. Skipping the native build.');
  process.exit(0);
}
if (!force && existsSync(join(pkg, 'build', 'Release', 'torch_addon.node'))) process.exit(0);
const gyp = join(pkg, 'node_modules', '.bin', 'node-gyp');
const bin = existsSync(gyp) ? gyp : 'node-gyp';
const env = { ...process.env, LIBTORCH_INCLUDE: lib.include.join(' '), LIBTORCH_LIB: lib.lib };
const jobs = process.env.JOBS ?? '2';
const r = spawnSync(bin, ['rebuild', '-j', jobs], { cwd: pkg, env, stdio: 'inherit', shell: bin === 'node-gyp' });
if (r.status !== 0) {
  console.error('tfjs-backend-libtorch: native build failed (see above).');
  process.exit(force ? 1 : 0);
}
