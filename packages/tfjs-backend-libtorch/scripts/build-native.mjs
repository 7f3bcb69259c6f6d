// Builds the N-API addon against libtorch. Never fails the npm install: without libtorch the
// package still installs (tfjs' cpu backend keeps working) and loading the backend explains what is missing.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { findLibtorch } from './find-libtorch.mjs';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
const force = process.argv.includes('--force');
const lib = findLibtorch();
if (!lib) {
  console.warn('tfjs-backend-libtorch: libtorch not found: install libtorch-dev or set LIBTORCH. Skipping the native build; memae will run on tfjs cpu.');
  process.exit(0);
}
// Up to date when the addon is newer than every native source (so a pull that changes kernels rebuilds).
const addonFile = join(pkg, 'build', 'Release', 'torch_addon.node');
const newest = Math.max(...readdirSync(join(pkg, 'native')).map((f) => statSync(join(pkg, 'native', f)).mtimeMs), statSync(join(pkg, 'binding.gyp')).mtimeMs);
if (!force && existsSync(addonFile) && statSync(addonFile).mtimeMs > newest) process.exit(0);
// node-gyp is a dependency of this package (hoisted or not): run its JS entry with this node.
const gyp = createRequire(join(pkg, 'package.json')).resolve('node-gyp/bin/node-gyp.js');
const env = { ...process.env, LIBTORCH_INCLUDE: lib.include.join(' '), LIBTORCH_LIB: lib.lib };
const jobs = process.env.JOBS ?? '2';
// Build against this node's own headers when they are installed (no header download: offline machines).
const nodeDir = process.env.npm_config_nodedir ?? join(dirname(process.execPath), '..');
const args = [gyp, 'rebuild', '-j', jobs];
if (existsSync(join(nodeDir, 'include', 'node', 'node_api.h'))) args.push(`--nodedir=${nodeDir}`);
const r = spawnSync(process.execPath, args, { cwd: pkg, env, stdio: 'inherit' });
if (r.status !== 0) {
  console.error('tfjs-backend-libtorch: native build failed (see above).');
  process.exit(force ? 1 : 0);
}
